// guard/file_digest.hpp - SHA-256 of bytes and of files: the identity of a kept content (the
// journal names blobs by it, restore checks against it) and of a trusted program.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/result.hpp"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace vigie::guard {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(const void* data, std::size_t size);
    /// The digest in lower-case hex; the object is spent afterwards.
    std::string hex();

  private:
    EVP_MD_CTX* context_;
};

/// SHA-256 of a file, lower-case hex (symbolic links are not followed).
core::Result<std::string> sha256_file(const std::string& path);

/// write(2) until everything is written or an error other than EINTR.
bool write_all(int fd, const void* data, std::size_t size);

/// fsync of a directory, so that a rename in it survives a crash.
void sync_directory(const std::string& path);

}  // namespace vigie::guard
