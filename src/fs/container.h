/* container.h — image container formats through the libyal libraries (E01/Ex01 via
 * libewf, qcow2 via libqcow, VMDK via libvmdk, VHD/VHDX via libvhdi). Internal to src/fs/. */
#ifndef KS_FS_CONTAINER_H
#define KS_FS_CONTAINER_H

#include "fs/image.h"

enum { KS_CONT_NONE = 0, KS_CONT_EWF, KS_CONT_QCOW, KS_CONT_VMDK, KS_CONT_VHDI };

/* Recognises a container by its signature; KS_CONT_NONE for raw (or unreadable). */
int ks_container_sniff(const char *path);
int ks_container_open(ks_img **out, const char *path, int kind, ks_err *err);

#endif
