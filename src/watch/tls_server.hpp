// watch/tls_server.hpp - TLS for the TCP inputs (OpenSSL): one server context from a
// certificate chain and key in PEM files, one session per connection.
//
//   auto tls = watch::TlsServerContext::open(cert_pem, key_pem);
//   auto session = tls->accept(fd, std::chrono::seconds(10));   // handshake with a deadline
//   session->read(buffer, size);
//
// TLS 1.2 at least. A peer that stalls its handshake is cut off at the deadline, so it holds
// a connection slot for seconds, not forever.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/result.hpp"

struct ssl_ctx_st;
struct ssl_st;

namespace vigie::watch {

class TlsSession {
  public:
    explicit TlsSession(ssl_st* ssl) : ssl_(ssl) {}
    ~TlsSession();
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;
    /// >0 bytes read, 0 end of stream, -1 error, -2 nothing yet (would block).
    long read(char* buffer, std::size_t size);
    /// Bytes decrypted and waiting to be read (poll() cannot see them).
    bool pending() const;

  private:
    ssl_st* ssl_;
};

class TlsServerContext {
  public:
    static core::Result<std::unique_ptr<TlsServerContext>> open(const std::string& cert_file,
                                                                const std::string& key_file);
    ~TlsServerContext();
    /// Runs the server handshake on a non-blocking socket, waiting at most `timeout`.
    core::Result<std::unique_ptr<TlsSession>> accept(int fd, std::chrono::milliseconds timeout);

  private:
    explicit TlsServerContext(ssl_ctx_st* ctx) : ctx_(ctx) {}
    ssl_ctx_st* ctx_;
};

}  // namespace vigie::watch
