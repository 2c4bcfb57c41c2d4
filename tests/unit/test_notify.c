/* test_notify: daemon/notify.c sends what systemd expects to the socket NOTIFY_SOCKET names,
 * and nothing at all when NOTIFY_SOCKET is unset. The test binds the datagram socket itself. */
#include "testutil.h"
#include "daemon/notify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct listener {
    char *dir;
    char path[200];
    int fd;
};

static int setup(void **state)
{
    struct listener *l = calloc(1, sizeof *l);
    assert_non_null(l);
    l->dir = test_tmpdir();
    snprintf(l->path, sizeof l->path, "%s/notify", l->dir);
    l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(l->fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(l->path) < sizeof sa.sun_path);
    strcpy(sa.sun_path, l->path);
    assert_int_equal(bind(l->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    struct timeval tv = {.tv_sec = 2};
    assert_int_equal(setsockopt(l->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    *state = l;
    return 0;
}

static int teardown(void **state)
{
    struct listener *l = *state;
    close(l->fd);
    test_tmpdir_remove(l->dir);
    free(l);
    unsetenv("NOTIFY_SOCKET");
    return 0;
}

/* The next datagram, NUL-terminated (the test fails when none arrives in 2 s). */
static void expect_message(struct listener *l, const char *want)
{
    char buf[1024];
    ssize_t n = recv(l->fd, buf, sizeof buf - 1, 0);
    assert_true(n >= 0);
    buf[n] = '\0';
    assert_string_equal(buf, want);
}

static void expect_nothing(struct listener *l)
{
    char buf[64];
    ssize_t n = recv(l->fd, buf, sizeof buf, MSG_DONTWAIT);
    assert_int_equal(n, -1);
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

static void test_messages_arrive(void **state)
{
    struct listener *l = *state;
    setenv("NOTIFY_SOCKET", l->path, 1);
    assert_int_equal(notify_enabled(), 1);
    assert_int_equal(notify_ready(), 1);
    expect_message(l, "READY=1");
    assert_int_equal(notify_status("crawling %d of %d sites", 3, 8), 1);
    expect_message(l, "STATUS=crawling 3 of 8 sites");
    assert_int_equal(notify_watchdog(), 1);
    expect_message(l, "WATCHDOG=1");
    assert_int_equal(notify_stopping(), 1);
    expect_message(l, "STOPPING=1");
    expect_nothing(l);
}

static void test_reloading_carries_monotonic_time(void **state)
{
    struct listener *l = *state;
    setenv("NOTIFY_SOCKET", l->path, 1);
    assert_int_equal(notify_reloading(), 1);
    char buf[256];
    ssize_t n = recv(l->fd, buf, sizeof buf - 1, 0);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_memory_equal(buf, "RELOADING=1\nMONOTONIC_USEC=", 27);
    assert_true(strtoull(buf + 27, NULL, 10) > 0);
}

static void test_status_is_one_bounded_line(void **state)
{
    struct listener *l = *state;
    setenv("NOTIFY_SOCKET", l->path, 1);
    assert_int_equal(notify_status("first line\nREADY=1"), 1);
    expect_message(l, "STATUS=first line"); /* a newline cannot smuggle in another field */
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(notify_status("%s", big), 1);
    char buf[1024];
    ssize_t n = recv(l->fd, buf, sizeof buf - 1, 0);
    assert_int_equal(n, 7 + 255);
}

static void test_unset_socket_is_a_no_op(void **state)
{
    struct listener *l = *state;
    unsetenv("NOTIFY_SOCKET");
    assert_int_equal(notify_enabled(), 0);
    assert_int_equal(notify_ready(), 0);
    assert_int_equal(notify_status("x %d", 1), 0);
    assert_int_equal(notify_reloading(), 0);
    assert_int_equal(notify_watchdog(), 0);
    assert_int_equal(notify_stopping(), 0);
    expect_nothing(l);
    setenv("NOTIFY_SOCKET", "", 1); /* empty is unset too */
    assert_int_equal(notify_ready(), 0);
    expect_nothing(l);
}

static void test_unreachable_socket_is_an_error_not_a_crash(void **state)
{
    struct listener *l = *state;
    char gone[300];
    snprintf(gone, sizeof gone, "%s/nobody-listens", l->dir);
    setenv("NOTIFY_SOCKET", gone, 1);
    assert_true(notify_ready() < 0);
}

static void test_watchdog_interval(void **state)
{
    (void)state;
    assert_int_equal(notify_watchdog_interval_ms(), 0); /* no WATCHDOG_USEC */
    setenv("WATCHDOG_USEC", "60000000", 1);             /* WatchdogSec=60s */
    assert_int_equal(notify_watchdog_interval_ms(), 30000);
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    assert_int_equal(notify_watchdog_interval_ms(), 30000);
    setenv("WATCHDOG_PID", "1", 1); /* meant for another process */
    assert_int_equal(notify_watchdog_interval_ms(), 0);
    unsetenv("WATCHDOG_PID");
    setenv("WATCHDOG_USEC", "1000", 1); /* 1 ms: never 0 while enabled */
    assert_int_equal(notify_watchdog_interval_ms(), 1);
    setenv("WATCHDOG_USEC", "0", 1);
    assert_int_equal(notify_watchdog_interval_ms(), 0);
    setenv("WATCHDOG_USEC", "soon", 1);
    assert_int_equal(notify_watchdog_interval_ms(), 0);
    unsetenv("WATCHDOG_USEC");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_messages_arrive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reloading_carries_monotonic_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_is_one_bounded_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unset_socket_is_a_no_op, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable_socket_is_an_error_not_a_crash, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_watchdog_interval, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
