/* Running the aidflow executable from a test: stdout to /dev/null, stderr to a file. */
#ifndef AF_SPAWN_H
#define AF_SPAWN_H

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

/* Runs argv[0] with argv and env (NULL: this process's environment), writes its standard
 * error to err_path, and returns its exit status, or 1000 + the signal that ended it. */
static int af_spawn(char *const *argv, char *const *env, const char *err_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, env ? env : environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) fail_msg("cannot run %s", argv[0]);
    int status;
    if (waitpid(pid, &status, 0) != pid) fail_msg("waitpid failed");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

#endif
