/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/uaccess.h - copying between host buffers and the current task's
 * simulated user memory (include/linux/uaccess.h). User addresses are
 * simulated numbers; the copy walks the page tables and faults.
 */
#ifndef PINIO_UACCESS_H
#define PINIO_UACCESS_H

#include <pinio/compiler.h>

/* Return: bytes NOT copied; 0 on success. */
unsigned long copy_from_user(void *to, unsigned long from, unsigned long n);
unsigned long copy_to_user(unsigned long to, const void *from, unsigned long n);

#endif /* PINIO_UACCESS_H */
