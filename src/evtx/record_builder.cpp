#include "evtx/record_builder.hpp"

#include <fmt/format.h>

#include "core/utf16.hpp"
#include "evtx/byte_reader.hpp"
#include "evtx/chunk_context.hpp"
#include "evtx/substitution_value.hpp"

namespace vigie::evtx {
namespace {

core::Value entity_value(std::string_view name, core::Event& event) {
    if (name == "amp") return core::Value::utf8("&");
    if (name == "lt") return core::Value::utf8("<");
    if (name == "gt") return core::Value::utf8(">");
    if (name == "quot") return core::Value::utf8("\"");
    if (name == "apos") return core::Value::utf8("'");
    std::string raw = "&";
    raw.append(name);
    raw.push_back(';');
    return core::Value::utf8(event.store(raw));
}

core::Error limit(std::string_view what) {
    return core::fail(core::ErrorCode::kLimitExceeded, std::string(what));
}

}  // namespace

RecordBuilder::RecordBuilder() {
    Limits defaults;
    ops_by_depth_.resize(static_cast<std::size_t>(defaults.max_binxml_depth) + 2);
    subs_by_depth_.resize(static_cast<std::size_t>(defaults.max_binxml_depth) + 2);
}

core::Result<void> RecordBuilder::build(ChunkContext& ctx, std::size_t begin, std::size_t end,
                                        core::Event& event, bool recovering) {
    ctx.set_recovering(recovering);
    auto ops = decode(ctx, begin, end);
    if (!ops) return std::move(ops).error();
    return build_decoded(ctx, *ops, event, recovering);
}

core::Result<std::span<const Op>> RecordBuilder::decode(ChunkContext& ctx, std::size_t begin,
                                                        std::size_t end) {
    const auto depth_slots = static_cast<std::size_t>(ctx.limits().max_binxml_depth) + 2;
    if (ops_by_depth_.size() < depth_slots) {
        ops_by_depth_.resize(depth_slots);
        subs_by_depth_.resize(depth_slots);
    }
    skipped_.clear();
    if (ctx.limits().max_binxml_depth < 0) return limit("BinXML nesting too deep");
    auto& ops = ops_by_depth_[0];
    ops.clear();
    if (auto d = decode_fragment(ctx, begin, end, false, ops); !d) return std::move(d).error();
    return std::span<const Op>(ops);
}

core::Result<void> RecordBuilder::build_decoded(ChunkContext& ctx, std::span<const Op> ops,
                                                core::Event& event, bool recovering) {
    recovering_ = recovering;
    ctx.set_recovering(recovering);
    nodes_ = 0;
    skipped_.clear();
    shape_known_ = !recovering;
    top_templates_ = 0;
    auto r = run(ctx, ops, {}, 0, event);
    if (!r) return r;
    if (shape_known_ && top_templates_ == 1) {
        event.shape = ((ctx.epoch() * 0x9E3779B97F4A7C15ULL) ^ top_template_offset_) | 1;
    }
    // Unbalanced documents (truncated by a crash of the writer) are closed rather than dropped.
    while (event.open_depth() > 0) event.close_element();
    return {};
}

core::Result<void> RecordBuilder::run_fragment(ChunkContext& ctx, std::size_t begin,
                                               std::size_t end, bool in_substitution, int depth,
                                               core::Event& event) {
    if (depth > ctx.limits().max_binxml_depth) return limit("BinXML nesting too deep");
    auto& ops = ops_by_depth_[static_cast<std::size_t>(depth)];
    ops.clear();
    if (auto d = decode_fragment(ctx, begin, end, in_substitution, ops); !d) return d;
    return run(ctx, ops, {}, depth, event);
}

core::Result<void> RecordBuilder::run_template(ChunkContext& ctx, const Op& op, int depth,
                                               core::Event& event) {
    if (depth + 1 > ctx.limits().max_binxml_depth) return limit("template nesting too deep");
    if (depth == 0) {
        ++top_templates_;
        top_template_offset_ = op.offset;
    } else {
        shape_known_ = false;
    }
    // Instance data was bounds-checked by the decoder: count, descriptors, values.
    auto& subs = subs_by_depth_[static_cast<std::size_t>(depth) + 1];
    subs.clear();
    types_.clear();
    const std::uint32_t count = load_le<std::uint32_t>(op.data);
    const std::uint8_t* descriptor = op.data + 4;
    const std::uint8_t* value = descriptor + 4 * std::size_t{count};
    for (std::uint32_t i = 0; i < count; ++i, descriptor += 4) {
        const std::uint16_t size = load_le<std::uint16_t>(descriptor);
        subs.push_back({descriptor[2], value, size});
        types_.push_back(descriptor[2]);
        value += size;
    }
    if (!ctx.charge(count)) return limit("chunk work budget exhausted");
    auto tmpl = ctx.template_at(op.offset);
    if (!recovering_) {
        if (!tmpl) return std::move(tmpl).error();
        return run(ctx, **tmpl, subs, depth + 1, event);
    }
    const std::vector<Op>* ops = tmpl && template_fits(**tmpl, types_) ? *tmpl : nullptr;
    if (ops == nullptr) ops = ctx.find_fitting_template(types_);
    if (ops != nullptr) return run(ctx, *ops, subs, depth + 1, event);
    // No template: keep the values themselves.
    if (event.open_depth() == 0) event.open_element("Event");
    event.open_element("EventData");
    for (const Substitution& s : subs) {
        if (s.type == value_type::kBinXml) continue;
        event.open_element("Data");
        event.add_text(substitution_value(s.type, s.data, s.size));
        event.close_element();
    }
    event.close_element();
    return {};
}

core::Result<void> RecordBuilder::run_embedded(ChunkContext& ctx, const std::uint8_t* data,
                                               std::uint32_t size, bool in_attribute, int depth,
                                               core::Event& event) {
    if (size == 0) return {};
    // Elements cannot sit inside an attribute value (the Rust evtx crate refuses the record).
    if (in_attribute) {
        skipped_.push_back(pack_skip(SkipKind::kBinXmlInAttribute, value_type::kBinXml));
        return {};
    }
    shape_known_ = false;
    const std::size_t begin = ctx.offset_of(data);
    return run_fragment(ctx, begin, begin + size, true, depth + 1, event);
}

core::Result<void> RecordBuilder::run(ChunkContext& ctx, std::span<const Op> ops,
                                      std::span<const Substitution> subs, int depth,
                                      core::Event& event) {
    const Limits& limits = ctx.limits();
    // Attribute being assembled: its value is the concatenation of the value ops that follow.
    bool in_attribute = false;
    std::string_view attribute_name;
    core::Value attribute_first;
    int attribute_parts = 0;
    std::string attribute_text;
    std::string_view pi_target;
    bool pi_pending = false;
    std::string_view start_tag_name;  // element whose attributes are being read

    auto flush_attribute = [&] {
        if (in_attribute && attribute_parts > 0) {
            event.add_attribute(attribute_name,
                                attribute_parts == 1
                                    ? attribute_first
                                    : core::Value::utf8(event.store(attribute_text)));
        }
        in_attribute = false;
        attribute_parts = 0;
    };
    auto add_value = [&](core::Value v) {
        if (!in_attribute) {
            event.add_text(v);
            ++nodes_;
            return;
        }
        if (attribute_parts == 0) {
            attribute_first = v;
        } else {
            if (attribute_parts == 1) attribute_text = attribute_first.text();
            v.append_text(attribute_text);
        }
        ++attribute_parts;
    };

    if (!ctx.charge(ops.size())) return limit("chunk work budget exhausted");
    for (const Op& op : ops) {
        if (depth == 0 && op.code != OpCode::kTemplateInstance && op.code != OpCode::kEnd)
            shape_known_ = false;
        if (nodes_ > limits.max_nodes_per_record) return limit("record has too many nodes");
        switch (op.code) {
            case OpCode::kOpenElement:
                flush_attribute();
                if (event.open_depth() >= limits.max_element_depth)
                    return limit("elements nested too deep");
                event.open_element(op.name);
                start_tag_name = op.name;
                ++nodes_;
                break;
            case OpCode::kAttribute:
                flush_attribute();
                in_attribute = true;
                attribute_name = op.name;
                ++nodes_;
                break;
            case OpCode::kCloseStart:
                flush_attribute();
                break;
            case OpCode::kCloseEmpty:
            case OpCode::kEndElement:
                flush_attribute();
                event.close_element();
                break;
            case OpCode::kText:
                // Literal attribute values (<Data Name="CommandLine">) repeat in every record
                // of a template: decode them once per chunk.
                add_value(in_attribute ? core::Value::utf8(ctx.intern_utf16(op.data, op.size))
                                       : core::Value::utf16(op.data, op.size));
                break;
            case OpCode::kValue:
                if (op.value_type == value_type::kBinXml) {
                    if (auto r = run_embedded(ctx, op.data, op.size, in_attribute, depth, event);
                        !r)
                        return r;
                    break;
                }
                add_value(substitution_value(op.value_type, op.data, op.size));
                break;
            case OpCode::kSkipped:
                skipped_.push_back(pack_skip(static_cast<SkipKind>(op.index), op.value_type));
                break;
            case OpCode::kEntityRef:
                add_value(entity_value(op.name, event));
                break;
            case OpCode::kCharRef: {
                scratch_.clear();
                core::append_utf8(scratch_, op.index);
                add_value(core::Value::utf8(event.store(scratch_)));
                break;
            }
            case OpCode::kCData:
                flush_attribute();
                event.add_cdata(core::Value::utf16(op.data, op.size));
                ++nodes_;
                break;
            case OpCode::kPITarget:
                flush_attribute();
                if (pi_pending) event.add_processing_instruction(pi_target, core::Value());
                pi_target = op.name;
                pi_pending = true;
                break;
            case OpCode::kPIData:
                event.add_processing_instruction(pi_pending ? pi_target : std::string_view(),
                                                 core::Value::utf16(op.data, op.size));
                pi_pending = false;
                ++nodes_;
                break;
            case OpCode::kTemplateInstance: {
                flush_attribute();
                if (auto r = run_template(ctx, op, depth, event); !r) return r;
                break;
            }
            case OpCode::kSubstitution: {
                if (op.index >= subs.size()) {
                    add_value(core::Value());
                    break;
                }
                const Substitution& s = subs[op.index];
                // An optional substitution declared as NULL produces nothing (as the Rust evtx
                // crate reads the specification); any other NULL value is an empty text.
                if (op.optional && op.value_type == value_type::kNull) break;
                // A <Data Name=...> whose name is a value: its JSON key changes from record to
                // record.
                if (in_attribute && attribute_name == "Name" && start_tag_name == "Data")
                    shape_known_ = false;
                if (s.type == value_type::kBinXml) {
                    if (auto r = run_embedded(ctx, s.data, s.size, in_attribute, depth, event); !r)
                        return r;
                    break;
                }
                const core::Value v = substitution_value(s.type, s.data, s.size);
                if (v.is_null() && s.type != value_type::kNull) {
                    skipped_.push_back(pack_skip(SkipKind::kUnreadableSubstitution, s.type));
                }
                add_value(v);
                break;
            }
            case OpCode::kEnd:
                flush_attribute();
                if (pi_pending) event.add_processing_instruction(pi_target, core::Value());
                return {};
        }
    }
    flush_attribute();
    return {};
}

}  // namespace vigie::evtx
