/* main.c - mlps-intake: the intake service. */
#include "itk/intake.h"

int
main(int argc, char **argv)
{
    static itk_t self;
    return cmn_svc_main(&itk_service, itk_options, &self.conf, &self.conf.base,
                        &self, argc, argv);
}
