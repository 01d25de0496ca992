// Running `vigie watch` as a process for end-to-end tests: start it on loopback ports it
// picks itself, wait for its ready file, talk to it (TCP, HTTP), stop it or kill it.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace vigie::test {

inline const std::string kVigieBinary = std::string(VIGIE_BINARY_DIR) + "/vigie";

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        if (!l.empty()) out.push_back(l);
    }
    return out;
}

class WatchDaemon {
  public:
    /// Starts `vigie watch ARGS --ready-file DIR/ready.json`; stderr goes to DIR/watch.log.
    WatchDaemon(const std::string& dir, std::vector<std::string> args) : dir_(dir) {
        const std::string ready = dir + "/ready.json";
        std::filesystem::remove(ready);
        args.insert(args.begin(), {kVigieBinary, "watch"});
        args.push_back("--ready-file");
        args.push_back(ready);
        pid_ = ::fork();
        if (pid_ == 0) {
            const int log =
                ::open((dir + "/watch.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            ::dup2(log, STDERR_FILENO);
            std::vector<char*> argv;
            for (std::string& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!std::filesystem::exists(ready) && std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        simdjson::dom::parser parser;
        simdjson::dom::element e;
        if (parser.parse(read_file(ready)).get(e) != simdjson::SUCCESS) return;
        for (const char* kind : {"json", "syslog"}) {
            simdjson::dom::array ports;
            if (e[kind].get_array().get(ports) != simdjson::SUCCESS) continue;
            for (simdjson::dom::element port : ports) {
                (kind[0] == 'j' ? json_ports_ : syslog_ports_)
                    .push_back(static_cast<int>(port.get_int64().value_unsafe()));
            }
        }
        if (auto h = e["http"].get_int64(); !h.error())
            http_port_ = static_cast<int>(h.value_unsafe());
        ready_ = true;
    }
    ~WatchDaemon() { kill(SIGKILL); }

    bool ready() const { return ready_; }
    int json_port(std::size_t i = 0) const { return json_ports_.at(i); }
    int syslog_port(std::size_t i = 0) const { return syslog_ports_.at(i); }
    int http_port() const { return http_port_; }
    std::string log() const { return read_file(dir_ + "/watch.log"); }

    /// Sends a signal and waits for the process; its exit status (or -signal).
    int kill(int signal) {
        if (pid_ <= 0) return -1;
        ::kill(pid_, signal);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }

    /// GET on the HTTP server: (status, body); status 0 when the request failed.
    std::pair<int, std::string> get(const std::string& path,
                                    const httplib::Headers& headers = {}) const {
        httplib::Client client("127.0.0.1", http_port_);
        client.set_read_timeout(std::chrono::seconds(30));
        auto r = client.Get(path.c_str(), headers);
        if (!r) return {0, ""};
        return {r->status, r->body};
    }

    /// A number of /api/status (0 when unreadable).
    std::uint64_t status_number(const std::string& name) const {
        const auto [code, body] = get("/api/status");
        simdjson::dom::parser parser;
        simdjson::dom::element e;
        if (code != 200 || parser.parse(body).get(e) != simdjson::SUCCESS) return 0;
        std::uint64_t v = 0;
        if (e[name].get_uint64().get(v) != simdjson::SUCCESS) return 0;
        return v;
    }

  private:
    std::string dir_;
    pid_t pid_ = -1;
    bool ready_ = false;
    std::vector<int> json_ports_;
    std::vector<int> syslog_ports_;
    int http_port_ = 0;
};

/// A plain TCP client on loopback.
class TcpClient {
  public:
    /// `source`: the loopback address to connect from (all of 127/8 is this machine).
    explicit TcpClient(int port, const char* source = nullptr) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (source != nullptr) {
            sockaddr_in from{};
            from.sin_family = AF_INET;
            ::inet_pton(AF_INET, source, &from.sin_addr);
            ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from);
        }
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~TcpClient() { close(); }
    bool connected() const { return fd_ >= 0; }
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_ = -1;
};

}  // namespace vigie::test
