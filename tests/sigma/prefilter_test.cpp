// The prefilters (literal automata, regex atoms, rule triggers) only skip work: with the whole
// SigmaHQ corpus, every event of the real attack recordings and of the regression data gets the
// same rule hits with and without them.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "evtx/file_reader.hpp"
#include "sigma/rule_set.hpp"
#include "support.hpp"

namespace {

vigie::sigma::RuleSet corpus(bool prefilter) {
    vigie::sigma::RuleSetOptions options;
    options.prefilter = prefilter;
    vigie::sigma::RuleSet rules(options);
    for (const char* dir : {"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-dfir",
                            "rules-compliance", "rules-placeholder"}) {
        const auto p = vigie::test::shared_data() / "sigma" / dir;
        if (std::filesystem::exists(p)) {
            EXPECT_TRUE(rules.load_path(p.string()));
        }
    }
    rules.finalize();
    return rules;
}

}  // namespace

TEST(Prefilter, SameHitsWithAndWithoutPrefilters) {
    VIGIE_REQUIRE_SHARED_DATA("evtx-attack-samples");
    VIGIE_REQUIRE_SHARED_DATA("sigma/rules");
    const vigie::sigma::RuleSet fast = corpus(true);
    const vigie::sigma::RuleSet slow = corpus(false);
    ASSERT_EQ(fast.rules().size(), slow.rules().size());
    ASSERT_GT(fast.prefilter().size(), 10000u);
    EXPECT_EQ(slow.prefilter().size(), 0u);
    vigie::sigma::RuleMatcher fast_matcher(fast), slow_matcher(slow);
    std::vector<const vigie::sigma::CompiledRule*> fast_hits, slow_hits;
    std::size_t events = 0, hits = 0;
    auto files =
        vigie::test::files_under(vigie::test::shared_data() / "evtx-attack-samples", ".evtx");
    const auto more =
        vigie::test::files_under(vigie::test::shared_data() / "sigma/regression_data", ".evtx");
    files.insert(files.end(), more.begin(), more.end());
    for (const auto& path : files) {
        auto file = vigie::evtx::EvtxFile::open(path.string());
        if (!file) continue;
        vigie::evtx::ReadOptions options;
        options.threads = 1;
        vigie::evtx::for_each_event<int>(
            *file, options,
            [&](const vigie::core::Event& e, const vigie::evtx::RecordInfo& info, int&, unsigned) {
                ++events;
                fast_matcher.match(e, fast_hits);
                slow_matcher.match(e, slow_hits);
                std::vector<std::uint32_t> a, b;
                for (const auto* h : fast_hits) a.push_back(h->index);
                for (const auto* h : slow_hits) b.push_back(h->index);
                std::sort(a.begin(), a.end());
                std::sort(b.begin(), b.end());
                EXPECT_EQ(a, b) << path << " record " << info.record_id;
                hits += a.size();
            },
            [](int&&) {});
    }
    EXPECT_GT(events, 8000u);
    EXPECT_GT(hits, 1500u);
    EXPECT_LT(fast_matcher.evaluations() * 5, slow_matcher.evaluations());
    std::printf("prefilter: %zu events, %zu hits, %llu vs %llu rule evaluations\n", events, hits,
                static_cast<unsigned long long>(fast_matcher.evaluations()),
                static_cast<unsigned long long>(slow_matcher.evaluations()));
}

TEST(Prefilter, CachedAutomataGiveTheSameHits) {
    VIGIE_REQUIRE_SHARED_DATA("sigma/rules");
    VIGIE_REQUIRE_SHARED_DATA("sigma/regression_data");
    const auto dir =
        std::filesystem::temp_directory_path() / ("vigie-automata-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto load = [&](const std::string& cache) {
        vigie::sigma::RuleSetOptions options;
        options.automaton_cache_dir = cache;
        auto rules = std::make_unique<vigie::sigma::RuleSet>(options);
        EXPECT_TRUE(
            rules->load_path((vigie::test::shared_data() / "sigma/rules/windows").string()));
        rules->finalize();
        return rules;
    };
    const auto fresh = load(dir.string());
    EXPECT_EQ(fresh->prefilter().cache_hits(), 0u);
    const auto cached = load(dir.string());
    EXPECT_EQ(cached->prefilter().cache_hits(), cached->prefilter().fields().size());
    // A damaged entry is compiled again, not trusted.
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        std::ofstream(e.path(), std::ios::trunc) << "not an automaton";
    }
    const auto damaged = load(dir.string());
    EXPECT_EQ(damaged->prefilter().cache_hits(), 0u);
    const auto uncached = load("");
    vigie::sigma::RuleMatcher a(*cached), b(*uncached), c(*damaged);
    std::vector<const vigie::sigma::CompiledRule*> ha, hb, hc;
    std::size_t hits = 0;
    for (const auto& path :
         vigie::test::files_under(vigie::test::shared_data() / "sigma/regression_data", ".evtx")) {
        auto file = vigie::evtx::EvtxFile::open(path.string());
        if (!file) continue;
        vigie::evtx::ReadOptions options;
        options.threads = 1;
        vigie::evtx::for_each_event<int>(
            *file, options,
            [&](const vigie::core::Event& e, const vigie::evtx::RecordInfo&, int&, unsigned) {
                a.match(e, ha);
                b.match(e, hb);
                c.match(e, hc);
                EXPECT_EQ(ha.size(), hb.size()) << path;
                EXPECT_EQ(hc.size(), hb.size()) << path;
                hits += hb.size();
            },
            [](int&&) {});
    }
    EXPECT_GT(hits, 100u);
    std::filesystem::remove_all(dir);
}
