/* audit_syscalls.h — system call names for the audit log's arch= values (x86_64 c000003e and
 * i386 40000003), generated from the Linux UAPI headers (audit_syscalls.c). */
#ifndef KS_HOST_AUDIT_SYSCALLS_H
#define KS_HOST_AUDIT_SYSCALLS_H

#include <stdint.h>

/* The name of system call nr on arch (AUDIT_ARCH_* value), or NULL when unknown. Static. */
const char *ks_audit_syscall_name(uint32_t arch, int64_t nr);

#endif
