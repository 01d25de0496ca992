// vigie dump against the JSON that the Rust evtx crate printed for SigmaHQ's regression data:
// every .evtx beside its .json, record by record, value by value.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "evtx/json_shape_compare.hpp"
#include "evtx/support.hpp"

namespace {

using vigie::test::files_under;
using vigie::test::shared_data;

// Reference values that are wrong: the EVTX file holds something else than its .json says.
// Each entry names the file, the JSON path, and why; the test checks each is still needed.
struct ReferenceException {
    const char* file;
    const char* path;
    const char* reason;
};

const std::vector<ReferenceException>& reference_exceptions() {
    static const std::vector<ReferenceException> exceptions = {
        {"ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx",
         "/Event/System/TimeCreated/#attributes/SystemTime",
         "the .json has 9 fractional digits (100 ns); the crate prints microseconds, as all 237 "
         "other "
         "SystemTime values of the regression data do"},
        {"ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx", "/Event/EventData/ParentCommandLine",
         "the .json says Explorer.exe; the record's UTF-16 bytes say Explorer.EXE (the .json was "
         "edited)"},
    };
    return exceptions;
}

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST(RegressionData, DumpMatchesTheEvtxCrateJsonOnEveryFile) {
    VIGIE_REQUIRE_SHARED_DATA("sigma/regression_data");
    const auto files = files_under(shared_data() / "sigma/regression_data", ".evtx");
    ASSERT_GE(files.size(), 200u);
    std::size_t compared_records = 0, exceptions_used = 0;
    for (const auto& path : files) {
        SCOPED_TRACE(path.string());
        const auto json_path = std::filesystem::path(path).replace_extension(".json");
        ASSERT_TRUE(std::filesystem::exists(json_path));
        auto file = vigie::evtx::EvtxFile::open(path.string());
        ASSERT_TRUE(file) << file.error().to_string();
        auto dump = vigie::test::dump_file(*file);
        EXPECT_EQ(dump.stats.records_failed, 0u);

        const std::string reference_text = read_all(json_path);
        simdjson::dom::parser ref_parser;
        simdjson::dom::document_stream docs;
        ASSERT_EQ(ref_parser
                      .parse_many(reference_text.data(), reference_text.size(),
                                  std::max<std::size_t>(reference_text.size(), 1024))
                      .get(docs),
                  simdjson::SUCCESS);
        std::vector<std::string> references;
        for (auto doc : docs) {
            ASSERT_EQ(doc.error(), simdjson::SUCCESS);
            references.push_back(simdjson::minify(doc.value()));
        }
        ASSERT_EQ(dump.json_lines.size(), references.size());

        for (std::size_t i = 0; i < references.size(); ++i) {
            simdjson::dom::parser ours_parser, ref_one;
            simdjson::dom::element ours, ref;
            ASSERT_EQ(ours_parser.parse(dump.json_lines[i]).get(ours), simdjson::SUCCESS)
                << dump.json_lines[i];
            ASSERT_EQ(ref_one.parse(references[i]).get(ref), simdjson::SUCCESS);
            for (const auto& d : vigie::test::json_differences(ours, ref)) {
                const auto excepted =
                    std::find_if(reference_exceptions().begin(), reference_exceptions().end(),
                                 [&](const ReferenceException& e) {
                                     return path.filename() == e.file && d.path == e.path;
                                 });
                if (excepted != reference_exceptions().end()) {
                    ++exceptions_used;
                    continue;
                }
                ADD_FAILURE() << "record " << i << ": " << d.message;
            }
            ++compared_records;
        }
    }
    EXPECT_EQ(exceptions_used, reference_exceptions().size())
        << "a reference exception is no longer needed";
    RecordProperty("compared_records", static_cast<int>(compared_records));
    EXPECT_GE(compared_records, 230u);
}
