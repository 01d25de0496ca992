#include "watch/tls_server.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <fmt/format.h>

namespace vigie::watch {
namespace {

std::string openssl_error() {
    const unsigned long code = ERR_get_error();
    if (code == 0) return "unknown TLS error";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return text;
}

}  // namespace

TlsSession::~TlsSession() {
    if (ssl_ != nullptr) {
        SSL_shutdown(ssl_);
        SSL_free(ssl_);
    }
}

long TlsSession::read(char* buffer, std::size_t size) {
    const int n = SSL_read(ssl_, buffer, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
    if (n > 0) return n;
    const int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return -2;
    if (error == SSL_ERROR_ZERO_RETURN) return 0;
    ERR_clear_error();
    return -1;
}

bool TlsSession::pending() const {
    return SSL_pending(ssl_) > 0;
}

core::Result<std::unique_ptr<TlsServerContext>> TlsServerContext::open(
    const std::string& cert_file, const std::string& key_file) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == nullptr) return core::fail(core::ErrorCode::kIo, openssl_error());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
        SSL_CTX_free(ctx);
        return core::Error{core::ErrorCode::kInvalidArgument,
                           fmt::format("cannot use the TLS certificate: {}", openssl_error()),
                           core::Location::in_file(cert_file)};
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        SSL_CTX_free(ctx);
        return core::Error{core::ErrorCode::kInvalidArgument,
                           fmt::format("cannot use the TLS key: {}", openssl_error()),
                           core::Location::in_file(key_file)};
    }
    return std::unique_ptr<TlsServerContext>(new TlsServerContext(ctx));
}

TlsServerContext::~TlsServerContext() {
    SSL_CTX_free(ctx_);
}

core::Result<std::unique_ptr<TlsSession>> TlsServerContext::accept(
    int fd, std::chrono::milliseconds timeout) {
    SSL* ssl = SSL_new(ctx_);
    if (ssl == nullptr) return core::fail(core::ErrorCode::kIo, openssl_error());
    auto session = std::make_unique<TlsSession>(ssl);
    SSL_set_fd(ssl, fd);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const int rc = SSL_accept(ssl);
        if (rc == 1) return session;
        const int error = SSL_get_error(ssl, rc);
        short events = 0;
        if (error == SSL_ERROR_WANT_READ) events = POLLIN;
        if (error == SSL_ERROR_WANT_WRITE) events = POLLOUT;
        if (events == 0) {
            return core::fail(core::ErrorCode::kIo,
                              fmt::format("TLS handshake failed: {}", openssl_error()));
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return core::fail(core::ErrorCode::kIo, "TLS handshake timed out");
        pollfd p{fd, events, 0};
        ::poll(&p, 1, static_cast<int>(left.count()));
    }
}

}  // namespace vigie::watch
