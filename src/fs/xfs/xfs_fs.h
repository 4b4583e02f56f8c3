/* xfs_fs.h — the XFS backend of the common file-system interface (fs/fs.h). */
#ifndef KS_FS_XFS_FS_H
#define KS_FS_XFS_FS_H

#include "fs/fs.h"

extern const ks_fs_ops ks_xfs_ops;

#endif
