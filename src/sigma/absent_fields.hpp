// sigma/absent_fields.hpp - what a rule can still match on a source that never has some fields.
//
// `process_creation` rules run on Security 4688 too, where Sysmon-only fields (OriginalFileName,
// Hashes, ParentCommandLine, ...) are absent from every event (field_mapping.hpp). A test of such
// a field has therefore one value for the whole source, found once at load by evaluating it on
// an event without the field, with the same code as at match time: false for values, regular
// expressions, comparisons and field references; true for `null`, `exists: false` and `neq`.
//
//   selection_img:  {Image|endswith: '\whoami.exe'}    runs as written
//   selection_ofn:  {OriginalFileName: 'whoami.exe'}   false on every event: can never match
//   condition: 1 of selection_*                         still runs, on Image alone
//
// The detection compiler folds these constants (an alternative holding a false one is dropped,
// a true one leaves its alternative), and the condition is judged in three-valued logic: a rule
// form whose condition is false whatever the other tests give is not run, and the selections
// that can never match are named in the load report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sigma/condition.hpp"
#include "sigma/detection.hpp"

namespace vigie::sigma {

enum class Truth : signed char { kFalse, kTrue, kUnknown };

/// A selection's tests of absent fields.
struct AbsentFieldUse {
    std::vector<std::string> fields;  ///< as the rule writes them, each once
    /// The selection's value on every event of the source when the absent fields decide it.
    Truth truth = Truth::kUnknown;
    std::uint32_t line = 0;  ///< of the selection in the rule file (1-based; 0: unknown)
};

/// The value of `item`, a test of a field no event has, on every event.
bool holds_when_absent(const DetectionItem& item);

/// The value of the condition on every event, when selection i is known to be `selections[i]`
/// (kUnknown: depends on the event); kUnknown when the event decides.
Truth condition_truth(const Condition& condition, const std::vector<Truth>& selections);

/// What a rule form loses on a source with absent fields.
struct AbsentFieldsVerdict {
    bool runnable = true;    ///< false: its condition can never hold on that source
    std::string reason;      ///< the selections that can never match and why; empty: none
    std::uint32_t line = 0;  ///< of the first selection named in `reason`
};

/// Judges a compiled detection: `uses` and `names` are per selection, like its selections.
AbsentFieldsVerdict judge_absent_fields(const Condition& condition,
                                        const std::vector<AbsentFieldUse>& uses,
                                        const std::vector<std::string>& names);

}  // namespace vigie::sigma
