# Embeds storage/migrations/NNN_name.sql into a C source file.
#
#   cmake -DMIGRATIONS_DIR=<dir> -DOUTPUT=<file.c> -P embed_migrations.cmake
#
# The files are sorted by number, which must run 001, 002, ... without gaps
# or duplicates.  Each file becomes a NUL-terminated byte array (no escaping
# issues whatever the SQL contains).  The build runs this script again only
# when a migration file (or this script) changed.
if(NOT MIGRATIONS_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DMIGRATIONS_DIR=dir -DOUTPUT=file.c -P embed_migrations.cmake")
endif()

file(GLOB files RELATIVE "${MIGRATIONS_DIR}" "${MIGRATIONS_DIR}/*.sql")
list(SORT files)
if(NOT files)
  message(FATAL_ERROR "no migrations in ${MIGRATIONS_DIR}")
endif()

set(arrays "")
set(table "")
set(expect 1)
foreach(f IN LISTS files)
  if(NOT f MATCHES "^([0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "migration file name \"${f}\" is not NNN_name.sql "
                        "(name in [a-z0-9_])")
  endif()
  set(num "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  math(EXPR version "1${num} - 1000")
  if(NOT version EQUAL expect)
    message(FATAL_ERROR "migration \"${f}\": expected number ${expect} "
                        "(numbers run from 001 without gaps or duplicates)")
  endif()
  math(EXPR expect "${expect} + 1")

  file(READ "${MIGRATIONS_DIR}/${f}" hex HEX)
  string(LENGTH "${hex}" hexlen)
  if(hexlen EQUAL 0)
    message(FATAL_ERROR "migration \"${f}\" is empty")
  endif()
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # 16 bytes a line (CMake regexes have no {n} counts)
  string(REPEAT "0x[0-9a-f][0-9a-f]," 16 line16)
  string(REGEX REPLACE "(${line16})" "\\1\n    " bytes "${bytes}")
  string(APPEND arrays
         "/* ${f} */\nstatic const char m${num}[] = {\n    ${bytes}0x00\n};\n\n")
  string(APPEND table "    { ${version}, \"${name}\", m${num} },\n")
endforeach()
math(EXPR count "${expect} - 1")

set(text "/* Generated from storage/migrations by embed_migrations.cmake: do not edit. */
#include \"store_migrate.h\"

${arrays}const struct store_migration store_migrations[] = {
${table}};

const int store_migration_count = ${count};
")

file(WRITE "${OUTPUT}" "${text}")
