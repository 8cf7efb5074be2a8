/* micetro-emu: how many calls of one key (a session) run at once.
 *
 * A list call of a session enters the gate under its session id and
 * leaves it when it ends; a session already running its cap of lists is
 * turned away before it takes a database connection, so that one session
 * cannot hold the pool.  The table has a slot per call that can run at
 * once (the workers), so a call in never finds it full.  Thread-safe.
 */
#ifndef MICETRO_GATE_H
#define MICETRO_GATE_H

struct gate;

/* A gate for at most slots keys at once (>= 1); NULL when out of memory. */
struct gate *gate_new(int slots);
void gate_free(struct gate *g);

/* Lets one more call of key in: 1 when key had fewer than max in (it has
 * one more now), 0 when it had max already, or no slot is free. */
int gate_enter(struct gate *g, const char *key, int max);

/* One call of key is over (after a gate_enter that returned 1). */
void gate_leave(struct gate *g, const char *key);

#endif
