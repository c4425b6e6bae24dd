/* Run a compiler driver and capture its output (driver.h). posix_spawnp
 * with a pipe for stdout+stderr, poll() with a deadline, SIGKILL on
 * timeout: a driver that hangs cannot hang goabi. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "read/driver.h"

extern char **environ;

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *rd_run_capture(char *const argv[], unsigned timeout_ms, size_t max, size_t *len, int *status)
{
	*status = -1;
	if (len)
		*len = 0;
	if (!argv || !argv[0] || !argv[0][0])
		return NULL;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return NULL;
	posix_spawn_file_actions_t fa;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	long deadline = now_ms() + (long)timeout_ms;
	bool killed = false;
	for (;;) {
		long left = deadline - now_ms();
		if (left <= 0) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		int pr = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0)
			continue;
		char tmp[4096];
		ssize_t r = read(fds[0], tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t take = (size_t)r;
		if (n + take > max)
			take = max > n ? max - n : 0;
		if (buf && take) {
			if (n + take + 1 > cap) {
				size_t ncap = cap;
				while (n + take + 1 > ncap)
					ncap *= 2;
				char *nb = realloc(buf, ncap);
				if (!nb) {
					free(buf);
					buf = NULL;
				} else {
					buf = nb;
					cap = ncap;
				}
			}
			if (buf) {
				memcpy(buf + n, tmp, take);
				n += take;
			}
		}
	}
	close(fds[0]);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (!killed && WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	if (!buf)
		return NULL;
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}
