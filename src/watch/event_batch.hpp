// watch/event_batch.hpp - what an input hands to the pipeline: the text of a few events, owned.
//
// An input (a TCP connection, a `_bulk` request, a followed file) cuts what it receives into
// event texts (one JSON object or one XML <Event> each) and submits them in batches. A batch
// owns its bytes, so it can cross threads; it is the unit of acceptance: `on_committed` is
// called once, after every detection of the batch (and the input position it carries) is
// committed to the state database, or after the commit failed. That is when a `_bulk` request
// is answered and when a followed file's offset moves.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigie::watch {

/// Where a followed input is once a batch is committed: the next byte to read.
struct InputPosition {
    std::string key;          ///< e.g. the file's path
    std::string fingerprint;  ///< tells a replaced or rotated file from the one read so far
    std::int64_t offset = 0;
};

/// What became of a batch, given to its on_committed.
struct BatchOutcome {
    bool committed = false;               ///< durably accepted (or, false: nothing of it was)
    std::vector<std::uint32_t> rejected;  ///< items that are not events (malformed, wrong shape)
};

struct EventBatch {
    std::uint32_t input = 0;   ///< WatchEngine::register_input
    std::uint32_t origin = 0;  ///< WatchEngine::intern_origin: the peer or file named in output
    std::string bytes;         ///< every event's text, back to back
    std::vector<std::pair<std::uint32_t, std::uint32_t>> items;  ///< (offset, size) in bytes
    std::optional<InputPosition> position;
    /// Called once, from the commit thread, when the batch is durably accepted or failed.
    std::function<void(const BatchOutcome&)> on_committed;

    void add(std::string_view text) {
        items.emplace_back(static_cast<std::uint32_t>(bytes.size()),
                           static_cast<std::uint32_t>(text.size()));
        bytes.append(text);
    }
    std::string_view item(std::size_t i) const {
        return std::string_view(bytes).substr(items[i].first, items[i].second);
    }
    bool empty() const noexcept { return items.empty() && !position; }
    /// What the batch weighs in a queue bounded in bytes.
    std::size_t cost() const noexcept { return bytes.size() + items.size() * 8 + 256; }
};

}  // namespace vigie::watch
