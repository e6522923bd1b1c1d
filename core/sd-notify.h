/*
 * sd-notify.h - tells a service manager how ptrackd is doing, with the
 * sd_notify(3) protocol of systemd.
 *
 * The protocol is small: the manager puts the address of a datagram socket
 * in the environment variable NOTIFY_SOCKET, and the service sends it lines
 * of "KEY=VALUE" ("READY=1", "STATUS=...", "STOPPING=1"). ptrackd speaks it
 * itself rather than linking libsystemd, so that it behaves the same on
 * every system and carries one dependency less. When NOTIFY_SOCKET is not
 * set (ptrackd run by hand, or by another init system) every call does
 * nothing and succeeds.
 */
#ifndef PT_SD_NOTIFY_H
#define PT_SD_NOTIFY_H

#include <stdint.h>

/* Sends `state`, one or more "KEY=VALUE" lines separated by '\n', to the
 * socket named by NOTIFY_SOCKET: a path, or an abstract socket when it starts
 * with '@'. Returns 0 when the message was sent or when there is no manager
 * to send it to, and a negative errno when sending failed (the caller logs
 * it at most: a manager that does not hear is no reason to stop serving).
 *
 * Thread: any (each call opens its own socket).
 * Ownership: `state` stays the caller's. */
int pt_sd_notify(const char *state);

/* Sends "RELOADING=1" with "MONOTONIC_USEC=" the current CLOCK_MONOTONIC
 * time in microseconds, and `status` as "STATUS=" when it is not NULL, as
 * systemd wants at the start of a reload; "READY=1" ends the reload.
 *
 * Thread: any. */
int pt_sd_notify_reloading(const char *status);

/* The watchdog interval the service manager asks for, in microseconds
 * (WATCHDOG_USEC, set by systemd when the unit has WatchdogSec=), or 0 when
 * none is asked for, when the value is not a positive number, or when
 * WATCHDOG_PID names another process (the request is then not ours). The
 * service must send "WATCHDOG=1" more often than that.
 *
 * Thread: any. */
uint64_t pt_sd_watchdog_usec(void);

#endif
