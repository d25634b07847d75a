#include "aws/credential_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

extern char** environ;

namespace aws {

namespace {

// The process's output is small; anything this big is not credentials.
constexpr std::size_t kMaxOutput = 1 << 20;

std::string string_field(const nlohmann::json& doc, const char* name, bool required) {
    auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) {
        if (required) {
            throw CredentialsError{std::string("credential_process output has no ") + name};
        }
        return {};
    }
    if (!it->is_string()) {
        throw CredentialsError{std::string("credential_process output: ") + name +
                               " is not a string"};
    }
    return it->get<std::string>();
}

}  // namespace

TimedCredentials parse_credential_process_output(const std::string& json) {
    auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        throw CredentialsError{"credential_process did not print a JSON object"};
    }
    auto version = doc.find("Version");
    if (version == doc.end() || !version->is_number_integer() || version->get<int>() != 1) {
        throw CredentialsError{"credential_process output must have \"Version\": 1"};
    }
    TimedCredentials out;
    out.credentials.access_key_id = string_field(doc, "AccessKeyId", true);
    out.credentials.secret_access_key = string_field(doc, "SecretAccessKey", true);
    out.credentials.session_token = string_field(doc, "SessionToken", false);
    std::string expiration = string_field(doc, "Expiration", false);
    if (!expiration.empty()) {
        out.expiration = parse_timestamp(expiration);
        if (!out.expiration) {
            throw CredentialsError{"credential_process output: Expiration '" + expiration +
                                   "' is not an RFC 3339 time"};
        }
    }
    return out;
}

TimedCredentials run_credential_process(const std::string& command) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        throw CredentialsError{std::string("credential_process: pipe: ") + std::strerror(errno)};
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    // Its standard error is not shown: a failing helper may print secrets there.
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    pid_t pid = 0;
    int rc =
        ::posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (rc != 0) {
        ::close(pipe_fds[0]);
        throw CredentialsError{std::string("credential_process could not start: ") +
                               std::strerror(rc)};
    }
    std::string output;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (output.size() < kMaxOutput) output.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw CredentialsError{"credential_process '" + command + "' failed (" +
                               (WIFEXITED(status)
                                    ? "exit status " + std::to_string(WEXITSTATUS(status))
                                    : "killed by signal " + std::to_string(WTERMSIG(status))) +
                               ")"};
    }
    return parse_credential_process_output(output);
}

}  // namespace aws
