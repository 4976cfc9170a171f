/* main.c - mlps-evaluation: the evaluation assignment service. */
#include "evl/evaluation.h"

int
main(int argc, char **argv)
{
    static evl_t self;
    return cmn_svc_main(&evl_service, evl_options, &self.conf, &self.conf.base,
                        &self, argc, argv);
}
