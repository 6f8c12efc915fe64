/*
 * kernel/ipc/shm.h - System V shared memory: shmget, shmat, shmctl,
 * shmdt with Linux's semantics and errno values (kernel/ipc/shm.c).
 */
#ifndef KERNEL_IPC_SHM_H
#define KERNEL_IPC_SHM_H

#include "kernel/types.h"
#include "arch/x86_64/uaccess.h"

struct anon_shared;

long sys_shmget(int key, size_t size, int shmflg);
long sys_shmat(int shmid, unsigned long shmaddr, int shmflg);
long sys_shmctl(int shmid, int cmd, void __user *buf);
long sys_shmdt(unsigned long shmaddr);

long nr_shm_segments(void);

#endif
