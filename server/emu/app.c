/* micetro-emu: the app behind a request (see app.h). */
#include "app.h"

#include "soaphttpd.h"

struct app *app_of(struct soap *soap)
{
    return soaphttpd_user(soap);
}
