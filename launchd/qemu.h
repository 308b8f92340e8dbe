/* The VM driver's two files: qemu.c (the driver) and qemu-files.c (an
 * instance's overlay and config drive). */
#ifndef LAUNCH_QEMU_H
#define LAUNCH_QEMU_H

#include <stddef.h>

struct job;

/* STATE/vms/ID */
void	qemu_dir(const struct job *, char *buf, size_t len);
/* The backing image's path, readable: 0, or -1 (image_failure, why). */
int	qemu_image(struct job *, char *path, size_t len, char *why,
	    size_t whylen);
/* Make dir/overlay.qcow2 over image and dir/config.iso, unless there:
 * 0, or -1 (why, and the job's failure code). */
int	qemu_overlay(struct job *, const char *dir, const char *image,
	    char *why, size_t whylen);
int	qemu_config_drive(struct job *, const char *dir, char *why,
	    size_t whylen);

#endif
