#include "guard/subprocess.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace vigie::guard {
namespace {

std::int64_t now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1'000'000;
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

void close_pipes(int (&in)[2], int (&out)[2], int (&err)[2]) {
    for (int* pipe : {in, out, err}) {
        close_fd(pipe[0]);
        close_fd(pipe[1]);
    }
}

}  // namespace

core::Result<ProgramRun> run_program(const std::vector<std::string>& argv,
                                     const ProgramOptions& options) {
    if (argv.empty()) return core::fail(core::ErrorCode::kInvalidArgument, "no program to run");
    const std::string name = argv.front();
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
        const int e = errno;
        close_pipes(in, out, err);
        return core::fail(core::ErrorCode::kIo,
                          fmt::format("{}: pipe: {}", name, std::strerror(e)));
    }
    // Everything the child needs is prepared before fork: after it, only system calls.
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int netns = -1;
    if (options.network_namespace_of > 0) {
        const std::string ns = fmt::format("/proc/{}/ns/net", options.network_namespace_of);
        netns = ::open(ns.c_str(), O_RDONLY | O_CLOEXEC);
        if (netns < 0) {
            const int e = errno;
            close_pipes(in, out, err);
            return core::fail(core::ErrorCode::kIo,
                              fmt::format("{}: {}: {}", name, ns, std::strerror(e)));
        }
    }
    const pid_t child = ::fork();
    if (child < 0) {
        const int e = errno;
        close_pipes(in, out, err);
        close_fd(netns);
        return core::fail(core::ErrorCode::kIo,
                          fmt::format("{}: fork: {}", name, std::strerror(e)));
    }
    if (child == 0) {
        if (netns >= 0 && ::setns(netns, CLONE_NEWNET) != 0) ::_exit(126);
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    close_fd(netns);
    close_fd(in[0]);
    close_fd(out[1]);
    close_fd(err[1]);
    if (!options.input.empty()) {
        // Small scripts: one write fits the pipe. A child that exits without reading must not
        // kill the guard with SIGPIPE: the signal is blocked around the write and, if raised,
        // taken back before it is unblocked.
        sigset_t pipe_signal, previous;
        ::sigemptyset(&pipe_signal);
        ::sigaddset(&pipe_signal, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
        const ssize_t n = ::write(in[1], options.input.data(), options.input.size());
        if (n < 0 && errno == EPIPE) {
            const timespec no_wait{0, 0};
            ::sigtimedwait(&pipe_signal, nullptr, &no_wait);
        }
        ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    }
    close_fd(in[1]);
    ProgramRun run;
    const std::int64_t deadline = now_ms() + options.timeout.count();
    bool timed_out = false;
    char buffer[65536];
    while (out[0] >= 0 || err[0] >= 0) {
        const std::int64_t left = deadline - now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
        const int ready = ::poll(fds, 2, static_cast<int>(left));
        if (ready < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            std::string& sink = i == 0 ? run.output : run.errors;
            const std::size_t cap = i == 0 ? (4u << 20) : (64u << 10);
            if (n <= 0) {
                close_fd(i == 0 ? out[0] : err[0]);
            } else if (sink.size() < cap) {
                sink.append(buffer, static_cast<std::size_t>(n));
            }
        }
    }
    close_fd(out[0]);
    close_fd(err[0]);
    if (timed_out) ::kill(child, SIGKILL);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out)
        return core::fail(core::ErrorCode::kIo,
                          fmt::format("{}: no answer within {} ms", name, options.timeout.count()));
    if (WIFEXITED(status)) {
        run.exit_code = WEXITSTATUS(status);
        if (run.exit_code == 127)
            return core::fail(core::ErrorCode::kNotFound, fmt::format("{}: cannot run it", name));
        if (run.exit_code == 126 && options.network_namespace_of > 0)
            return core::fail(core::ErrorCode::kIo,
                              fmt::format("{}: cannot enter the network namespace of {}", name,
                                          options.network_namespace_of));
    }
    return run;
}

}  // namespace vigie::guard
