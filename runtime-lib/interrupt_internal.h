/*
 * Interruption (interrupt.c): what the rest of the runtime needs of it.
 */
#ifndef WAOT_INTERRUPT_INTERNAL_H
#define WAOT_INTERRUPT_INTERNAL_H

#include "waot.h"

/* Disarms the instance's deadline, if any: called before its record is
 * freed, so the watchdog never touches a freed instance. */
void waot_rt_interrupt_forget(waot_instance *instance);

#endif
