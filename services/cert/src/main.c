/* main.c - mlps-cert: the certificate issuance service. */
#include "crt/cert.h"

int
main(int argc, char **argv)
{
    static crt_t self;
    int rc = cmn_svc_main(&crt_service, crt_options, &self.conf,
                          &self.conf.base, &self, argc, argv);
    crt_release(&self);
    return rc;
}
