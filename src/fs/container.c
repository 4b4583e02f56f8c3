/* container.c — E01/Ex01, qcow2, VMDK and VHD/VHDX images through libewf, libqcow,
 * libvmdk and libvhdi, each opened read-only and exposed as a ks_img backend. */
#include "fs/container.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libewf.h>
#include <libqcow.h>
#include <libvhdi.h>
#include <libvmdk.h>

int ks_container_sniff(const char *path)
{
    uint8_t head[32] = {0}, tail[8] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return KS_CONT_NONE;
    ssize_t n = pread(fd, head, sizeof head, 0);
    off_t end = lseek(fd, 0, SEEK_END);
    ssize_t t = end >= 512 ? pread(fd, tail, sizeof tail, end - 512) : 0;
    close(fd);
    if (n < 8)
        return KS_CONT_NONE;
    if (!memcmp(head, "EVF\x09\x0d\x0a\xff\x00", 8) || !memcmp(head, "EVF2\x0d\x0a\x81\x00", 8) ||
        !memcmp(head, "LVF\x09\x0d\x0a\xff\x00", 8))
        return KS_CONT_EWF;
    if (!memcmp(head, "QFI\xfb", 4))
        return KS_CONT_QCOW;
    if (!memcmp(head, "KDMV", 4) || !memcmp(head, "COWD", 4) ||
        (n >= 21 && !memcmp(head, "# Disk DescriptorFile", 21)))
        return KS_CONT_VMDK;
    if (!memcmp(head, "vhdxfile", 8) || !memcmp(head, "conectix", 8) ||
        (t == 8 && !memcmp(tail, "conectix", 8)))
        return KS_CONT_VHDI;
    return KS_CONT_NONE;
}

typedef struct cont_ctx {
    int kind;
    void *h;
    char name[KS_ERR_PATH_MAX];
} cont_ctx;

/* ---- error text from the libraries (their messages are ASCII; ks_err sanitises) ---- */
static void lib_msg(int kind, void **e, char *out, size_t n)
{
    out[0] = '\0';
    if (!e || !*e)
        return;
    switch (kind) {
    case KS_CONT_EWF:
        libewf_error_sprint(*e, out, n);
        libewf_error_free((libewf_error_t **)e);
        break;
    case KS_CONT_QCOW:
        libqcow_error_sprint(*e, out, n);
        libqcow_error_free((libqcow_error_t **)e);
        break;
    case KS_CONT_VMDK:
        libvmdk_error_sprint(*e, out, n);
        libvmdk_error_free((libvmdk_error_t **)e);
        break;
    case KS_CONT_VHDI:
        libvhdi_error_sprint(*e, out, n);
        libvhdi_error_free((libvhdi_error_t **)e);
        break;
    }
    /* keep the last line only: libyal prints a backtrace of calls */
    char *nl;
    while ((nl = strrchr(out, '\n')) && nl[1] == '\0')
        *nl = '\0';
    nl = strrchr(out, '\n');
    if (nl)
        memmove(out, nl + 1, strlen(nl + 1) + 1);
}

static int cont_read(void *vctx, uint64_t off, void *buf, size_t len, ks_err *err)
{
    cont_ctx *c = vctx;
    void *e = NULL;
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t r = -1;
        switch (c->kind) {
        case KS_CONT_EWF:
            r = libewf_handle_read_random(c->h, p, len, (off64_t)off, (libewf_error_t **)&e);
            break;
        case KS_CONT_QCOW:
            r = libqcow_file_read_buffer_at_offset(c->h, p, len, (off64_t)off,
                                                   (libqcow_error_t **)&e);
            break;
        case KS_CONT_VMDK:
            r = libvmdk_handle_read_buffer_at_offset(c->h, p, len, (off64_t)off,
                                                     (libvmdk_error_t **)&e);
            break;
        case KS_CONT_VHDI:
            r = libvhdi_file_read_buffer_at_offset(c->h, p, len, (off64_t)off,
                                                   (libvhdi_error_t **)&e);
            break;
        }
        if (r <= 0) {
            char msg[256];
            lib_msg(c->kind, &e, msg, sizeof msg);
            return KS_ERR_AT(err, KS_EIO, c->name, -1, (int64_t)off, "container read failed: %s",
                             msg[0] ? msg : "short read");
        }
        p += r;
        off += (uint64_t)r;
        len -= (size_t)r;
    }
    return 0;
}

static void cont_close(void *vctx)
{
    cont_ctx *c = vctx;
    if (!c)
        return;
    if (c->h) {
        switch (c->kind) {
        case KS_CONT_EWF:
            libewf_handle_close(c->h, NULL);
            libewf_handle_free((libewf_handle_t **)&c->h, NULL);
            break;
        case KS_CONT_QCOW:
            libqcow_file_close(c->h, NULL);
            libqcow_file_free((libqcow_file_t **)&c->h, NULL);
            break;
        case KS_CONT_VMDK:
            libvmdk_handle_close(c->h, NULL);
            libvmdk_handle_free((libvmdk_handle_t **)&c->h, NULL);
            break;
        case KS_CONT_VHDI:
            libvhdi_file_close(c->h, NULL);
            libvhdi_file_free((libvhdi_file_t **)&c->h, NULL);
            break;
        }
    }
    free(c);
}

static const ks_img_ops ewf_ops = {cont_read, cont_close, "ewf"};
static const ks_img_ops qcow_ops = {cont_read, cont_close, "qcow"};
static const ks_img_ops vmdk_ops = {cont_read, cont_close, "vmdk"};
static const ks_img_ops vhdi_ops = {cont_read, cont_close, "vhd"};

int ks_container_open(ks_img **out, const char *path, int kind, ks_err *err)
{
    cont_ctx *c = calloc(1, sizeof *c);
    void *e = NULL;
    char **globbed = NULL;
    int nglob = 0;
    size64_t size = 0;
    int ok = 0, rc = 0;
    const ks_img_ops *ops = NULL;
    if (!c)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    c->kind = kind;
    snprintf(c->name, sizeof c->name, "%s", path);
    switch (kind) {
    case KS_CONT_EWF:
        ops = &ewf_ops;
        ok = libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, &globbed, &nglob,
                         (libewf_error_t **)&e) == 1 &&
             libewf_handle_initialize((libewf_handle_t **)&c->h, (libewf_error_t **)&e) == 1 &&
             libewf_handle_open(c->h, globbed, nglob, LIBEWF_OPEN_READ,
                                (libewf_error_t **)&e) == 1 &&
             libewf_handle_get_media_size(c->h, &size, (libewf_error_t **)&e) == 1;
        if (globbed)
            libewf_glob_free(globbed, nglob, NULL);
        break;
    case KS_CONT_QCOW:
        ops = &qcow_ops;
        ok = libqcow_file_initialize((libqcow_file_t **)&c->h, (libqcow_error_t **)&e) == 1 &&
             libqcow_file_open(c->h, path, LIBQCOW_OPEN_READ, (libqcow_error_t **)&e) == 1 &&
             libqcow_file_get_media_size(c->h, &size, (libqcow_error_t **)&e) == 1;
        break;
    case KS_CONT_VMDK:
        ops = &vmdk_ops;
        ok = libvmdk_handle_initialize((libvmdk_handle_t **)&c->h, (libvmdk_error_t **)&e) == 1 &&
             libvmdk_handle_open(c->h, path, LIBVMDK_OPEN_READ, (libvmdk_error_t **)&e) == 1 &&
             libvmdk_handle_open_extent_data_files(c->h, (libvmdk_error_t **)&e) == 1 &&
             libvmdk_handle_get_media_size(c->h, &size, (libvmdk_error_t **)&e) == 1;
        break;
    case KS_CONT_VHDI:
        ops = &vhdi_ops;
        ok = libvhdi_file_initialize((libvhdi_file_t **)&c->h, (libvhdi_error_t **)&e) == 1 &&
             libvhdi_file_open(c->h, path, LIBVHDI_OPEN_READ, (libvhdi_error_t **)&e) == 1 &&
             libvhdi_file_get_media_size(c->h, &size, (libvhdi_error_t **)&e) == 1;
        break;
    default:
        rc = KS_ERR(err, KS_EUNSUPPORTED, "unknown container kind %d", kind);
        goto done;
    }
    if (!ok) {
        char msg[256];
        lib_msg(kind, &e, msg, sizeof msg);
        rc = KS_ERR_AT(err, KS_ECORRUPT, path, -1, -1, "cannot open %s container: %s",
                       ops->kind, msg[0] ? msg : "unknown error");
        goto done;
    }
    rc = ks_img_custom(out, ops, c, (uint64_t)size, path, err);
    c = NULL;
done:
    if (c)
        cont_close(c);
    return rc;
}
