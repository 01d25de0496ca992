#include "sigma/literal_prefilter.hpp"

#include <hs/hs.h>

#include "sigma/automaton_cache.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

namespace vigie::sigma {

struct LiteralPrefilter::FieldDatabase {
    hs_database_t* db = nullptr;
    ~FieldDatabase() {
        if (db != nullptr) hs_free_database(db);
    }
};

LiteralPrefilter::LiteralPrefilter() = default;
LiteralPrefilter::~LiteralPrefilter() = default;
LiteralPrefilter::LiteralPrefilter(LiteralPrefilter&&) noexcept = default;
LiteralPrefilter& LiteralPrefilter::operator=(LiteralPrefilter&&) noexcept = default;

std::uint32_t LiteralPrefilter::add(FieldId field, std::string_view literal) {
    // A keyword literal holding the separator could match across two fields: never seen.
    if (field == kAnyField && literal.find(kFieldSeparator) != std::string_view::npos) {
        return kNoLiteral;
    }
    std::string key = std::to_string(field);
    key.push_back('\0');
    key.append(literal);
    auto [it, inserted] =
        ids_.try_emplace(std::move(key), static_cast<std::uint32_t>(literals_.size()));
    if (inserted) literals_.push_back({field, std::string(literal)});
    return it->second;
}

core::Result<void> LiteralPrefilter::compile(const AutomatonCache& cache) {
    std::atomic<std::size_t> cache_hits{0};
    field_ids_.clear();
    databases_.clear();
    std::unordered_map<FieldId, std::vector<std::uint32_t>> by_field;
    for (std::uint32_t id = 0; id < literals_.size(); ++id)
        by_field[literals_[id].field].push_back(id);
    for (auto& [field, ids] : by_field) field_ids_.push_back(field);
    std::sort(field_ids_.begin(), field_ids_.end());
    databases_.resize(field_ids_.size());
    std::vector<std::string> errors(field_ids_.size());

    auto build = [&](std::size_t index) {
        const std::vector<std::uint32_t>& ids = by_field[field_ids_[index]];
        std::vector<const char*> patterns;
        std::vector<std::size_t> lengths;
        std::vector<unsigned> flags(ids.size(), HS_FLAG_SINGLEMATCH);
        std::vector<unsigned> hs_ids;
        for (const std::uint32_t id : ids) {
            patterns.push_back(literals_[id].text.data());
            lengths.push_back(literals_[id].text.size());
            hs_ids.push_back(id);
        }
        auto database = std::make_unique<FieldDatabase>();
        std::string key;
        if (cache.enabled()) {
            std::vector<std::string_view> texts;
            for (const std::uint32_t id : ids) texts.emplace_back(literals_[id].text);
            key = AutomatonCache::key(texts, hs_ids, HS_FLAG_SINGLEMATCH);
            if ((database->db = cache.load(key)) != nullptr) {
                databases_[index] = std::move(database);
                ++cache_hits;
                return;
            }
        }
        hs_compile_error_t* error = nullptr;
        if (hs_compile_lit_multi(patterns.data(), flags.data(), hs_ids.data(), lengths.data(),
                                 static_cast<unsigned>(patterns.size()), HS_MODE_BLOCK, nullptr,
                                 &database->db, &error) != HS_SUCCESS) {
            errors[index] = error != nullptr ? error->message : "unknown error";
            hs_free_compile_error(error);
            return;
        }
        cache.store(key, database->db);
        databases_[index] = std::move(database);
    };
    // Compiling the automata of the largest fields (command lines, images: thousands of
    // literals) is the slowest part of loading rules: spread the fields over the cores,
    // largest first.
    std::vector<std::size_t> order(field_ids_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return by_field[field_ids_[a]].size() > by_field[field_ids_[b]].size();
    });
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t k = next++; k < order.size(); k = next++) build(order[k]);
    };
    const unsigned threads = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(),
                                                             static_cast<unsigned>(order.size())));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    cache_hits_ = cache_hits.load();
    for (const std::string& e : errors) {
        if (!e.empty()) {
            return core::fail(core::ErrorCode::kUnsupported,
                              "cannot build the literal prefilter: " + e);
        }
    }
    return {};
}

namespace {

struct ScanTarget {
    std::uint64_t* bits;
    std::vector<std::uint32_t>* found;
};

int on_match(unsigned id, unsigned long long, unsigned long long, unsigned, void* context) {
    auto* target = static_cast<ScanTarget*>(context);
    std::uint64_t& word = target->bits[id >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (id & 63);
    if ((word & bit) == 0) {  // a field may occur several times: list each literal once
        word |= bit;
        target->found->push_back(id);
    }
    return 0;  // keep scanning: other literals may occur too
}

}  // namespace

void LiteralPrefilter::scan(EventFields& ev, LiteralScratch& scratch, bool keywords) const {
    if (scratch.owner_ != this) scratch.prepare(*this);
    scratch.clear();
    ScanTarget target{scratch.bits_.data(), &scratch.found_};
    auto scan_one = [&](std::size_t database, std::uint32_t field_index) {
        const std::string_view text = ev.folded(field_index);
        if (text.empty()) return;
        hs_scan(databases_[database]->db, text.data(), static_cast<unsigned>(text.size()), 0,
                scratch.hs_, on_match, &target);
    };
    for (std::size_t i = 0; i < field_ids_.size(); ++i) {
        if (field_ids_[i] == kAnyField) {
            if (!keywords) continue;
            // Keywords: every field, joined by a separator no literal contains, in one scan
            // (one call per field cost more than the scanning itself).
            std::string& all = scratch.joined_;
            all.clear();
            for (std::uint32_t f = 0; f < ev.count(); ++f) {
                all.append(ev.folded(f));
                all.push_back(kFieldSeparator);
            }
            hs_scan(databases_[i]->db, all.data(), static_cast<unsigned>(all.size()), 0,
                    scratch.hs_, on_match, &target);
            continue;
        }
        for (std::uint32_t f = ev.first(field_ids_[i]); f != EventFields::kNone; f = ev.next(f)) {
            scan_one(i, f);
        }
    }
    scratch.keywords_scanned_ = keywords;
}

LiteralScratch::~LiteralScratch() {
    if (hs_ != nullptr) hs_free_scratch(hs_);
}

void LiteralScratch::prepare(const LiteralPrefilter& prefilter) {
    if (hs_ != nullptr) {
        hs_free_scratch(hs_);
        hs_ = nullptr;
    }
    for (const auto& db : prefilter.databases_) hs_alloc_scratch(db->db, &hs_);
    bits_.assign((prefilter.size() + 63) / 64, 0);
    found_.clear();
    owner_ = &prefilter;
}

void LiteralScratch::clear() {
    for (const std::uint32_t id : found_) bits_[id >> 6] = 0;
    found_.clear();
}

}  // namespace vigie::sigma
