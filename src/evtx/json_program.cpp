#include "evtx/json_program.hpp"

#include <cstring>
#include <string_view>
#include <utility>

#include "core/value.hpp"
#include "evtx/byte_reader.hpp"
#include "evtx/chunk_context.hpp"
#include "evtx/json_render.hpp"
#include "evtx/substitution_value.hpp"

namespace vigie::evtx {
namespace {

// A piece of an element's content or of an attribute value: known when the template is
// compiled, or a substitution of the record.
struct Part {
    core::Value value;                                ///< when slot == kNoSlot
    std::uint32_t slot = JsonProgramWriter::kNoSlot;  ///< substitution index
    bool is_null() const noexcept { return slot == JsonProgramWriter::kNoSlot && value.is_null(); }
};

struct Element {
    std::string_view name;
    std::vector<std::pair<std::string_view, Part>> attributes;
    std::vector<std::uint32_t> children;  // elements
    std::vector<Part> texts;
};

// What TreeBuilder needs of a record: its instances in expansion order and their value types.
struct RecordShape {
    struct Instance {
        const std::vector<Op>* ops;
        std::uint32_t slot_base;
        std::uint32_t count;
    };
    std::span<const Instance> instances;
    std::span<const std::uint8_t> types;   // per slot
    std::span<const std::uint16_t> sizes;  // per slot
};

// The document a record of this shape gives, as RecordBuilder::run would build it; false for
// anything JsonRenderer would not write directly or that needs run()'s error paths.
class TreeBuilder {
  public:
    TreeBuilder(ChunkContext& ctx, const RecordShape& shape, std::vector<Element>& out)
        : ctx_(ctx), shape_(shape), out_(out) {}

    bool build() {
        out_.clear();
        return run(0) && !out_.empty() && next_instance_ == shape_.instances.size() &&
               nodes_ <= ctx_.limits().max_nodes_per_record;
    }

  private:
    // One run() of the builder over a template's ops: attribute state is its own, the open
    // elements are the record's.
    bool run(std::size_t instance_index) {
        const RecordShape::Instance& instance = shape_.instances[instance_index];
        bool in_attribute = false;
        std::string_view attribute_name;
        std::string_view start_tag_name;
        std::vector<Part> parts;
        auto flush = [&]() -> bool {
            const bool was = in_attribute;
            in_attribute = false;
            if (!was || parts.empty()) return true;
            if (open_.empty()) return false;
            Part value;
            if (parts.size() == 1) {
                value = parts[0];
            } else {
                // Joined text, as run() joins it; only for parts known now.
                std::string joined;
                for (const Part& p : parts) {
                    if (p.slot != JsonProgramWriter::kNoSlot) return false;
                    p.value.append_text(joined);
                }
                value.value = core::Value::utf8(ctx_.store(joined));
            }
            parts.clear();
            out_[open_.back()].attributes.emplace_back(attribute_name, std::move(value));
            return true;
        };
        auto add = [&](Part part) -> bool {
            if (in_attribute) {
                parts.push_back(std::move(part));
                return true;
            }
            if (open_.empty()) return false;  // text beside the root
            out_[open_.back()].texts.push_back(std::move(part));
            ++nodes_;
            return true;
        };
        for (const Op& op : *instance.ops) {
            if (nodes_ > ctx_.limits().max_nodes_per_record) return false;
            switch (op.code) {
                case OpCode::kOpenElement: {
                    if (!flush()) return false;
                    if (open_.size() >= ctx_.limits().max_element_depth) return false;
                    const auto index = static_cast<std::uint32_t>(out_.size());
                    if (open_.empty()) {
                        if (!out_.empty()) return false;  // a second root
                    } else {
                        out_[open_.back()].children.push_back(index);
                    }
                    Element& e = out_.emplace_back();
                    e.name = op.name;
                    open_.push_back(index);
                    start_tag_name = op.name;
                    ++nodes_;
                    break;
                }
                case OpCode::kAttribute:
                    if (!flush()) return false;
                    in_attribute = true;
                    attribute_name = op.name;
                    ++nodes_;
                    break;
                case OpCode::kCloseStart:
                    if (!flush()) return false;
                    break;
                case OpCode::kCloseEmpty:
                case OpCode::kEndElement:
                    if (!flush()) return false;
                    if (!open_.empty()) open_.pop_back();
                    break;
                case OpCode::kText:
                    if (!add({in_attribute ? core::Value::utf8(ctx_.intern_utf16(op.data, op.size))
                                           : core::Value::utf16(op.data, op.size)}))
                        return false;
                    break;
                case OpCode::kValue:
                    if (op.value_type == value_type::kBinXml) return false;
                    if (!add({substitution_value(op.value_type, op.data, op.size)})) return false;
                    break;
                case OpCode::kSubstitution: {
                    if (op.index >= instance.count) {
                        if (!add({core::Value()})) return false;
                        break;
                    }
                    if (op.optional && op.value_type == value_type::kNull) break;
                    if (in_attribute && attribute_name == "Name" && start_tag_name == "Data")
                        return false;  // the JSON key would come from the record
                    const std::uint32_t slot = instance.slot_base + op.index;
                    const std::uint8_t type = shape_.types[slot];
                    if (type == value_type::kBinXml) {
                        if (in_attribute) return false;
                        if (shape_.sizes[slot] == 0) break;  // expands to nothing
                        if (next_instance_ >= shape_.instances.size()) return false;
                        if (!run(next_instance_++)) return false;
                        break;
                    }
                    Part part;
                    if (type != value_type::kNull) part.slot = slot;
                    if (!add(part)) return false;
                    break;
                }
                case OpCode::kEnd:
                    return flush();
                case OpCode::kSkipped:
                case OpCode::kEntityRef:
                case OpCode::kCharRef:
                case OpCode::kCData:
                case OpCode::kPITarget:
                case OpCode::kPIData:
                case OpCode::kTemplateInstance:
                    return false;
            }
        }
        return flush();
    }

    ChunkContext& ctx_;
    const RecordShape& shape_;
    std::vector<Element>& out_;
    std::vector<std::uint32_t> open_;
    std::size_t nodes_ = 0;
    std::size_t next_instance_ = 1;  // 0 is the record's own instance
};

// JsonRenderer::key_of for a compiled element.
std::string key_of(const Element& e, bool& named_data) {
    named_data = false;
    if (e.name != "Data") return std::string(e.name);
    for (const auto& [name, part] : e.attributes) {
        if (name != "Name") continue;
        named_data = true;
        std::string key;
        part.value.append_text(key);  // never a slot (TreeBuilder refuses those)
        return key;
    }
    return std::string(e.name);
}

class ProgramEmitter {
  public:
    ProgramEmitter(const std::vector<Element>& elements, std::string& text,
                   std::vector<std::pair<std::uint32_t, std::uint32_t>>& steps)
        : elements_(elements), text_(text), steps_(steps) {}

    // JsonRenderer::simple: distinct attribute names and sibling keys, no unnamed <Data>, one
    // text at most and never beside elements.
    bool simple(std::uint32_t index, int depth) {
        if (depth > 128) return false;
        const Element& e = elements_[index];
        for (std::size_t i = 1; i < e.attributes.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (e.attributes[i].first == e.attributes[j].first) return false;
        std::vector<std::string> keys;
        for (const std::uint32_t c : e.children) {
            bool named = false;
            std::string key = key_of(elements_[c], named);
            if (key == "Data" && !named) return false;
            for (const std::string& k : keys)
                if (k == key) return false;
            keys.push_back(std::move(key));
            if (!simple(c, depth + 1)) return false;
        }
        return e.texts.size() <= 1 && !(e.texts.size() == 1 && !e.children.empty());
    }

    void root() {
        text_.push_back('{');
        key(0);
        element(0);
        text_.push_back('}');
    }

  private:
    void key(std::uint32_t index) {
        bool named = false;
        core::append_json_string(text_, key_of(elements_[index], named));
        text_.push_back(':');
    }

    void part(const Part& p) {
        if (p.slot == JsonProgramWriter::kNoSlot) {
            append_value_json(p.value, text_);
        } else {
            steps_.emplace_back(static_cast<std::uint32_t>(text_.size()), p.slot);
        }
    }

    // JsonRenderer::write_direct.
    void element(std::uint32_t index) {
        const Element& e = elements_[index];
        bool named = false;
        key_of(e, named);
        bool has_attributes = false;
        if (!named) {
            for (const auto& [name, value] : e.attributes) has_attributes |= !value.is_null();
        }
        const Part* text = e.texts.empty() ? nullptr : &e.texts.back();
        const bool has_elements = !e.children.empty();
        if (!has_attributes && !has_elements) {
            if (text != nullptr) {
                part(*text);
            } else {
                text_.append("null");
            }
            return;
        }
        text_.push_back('{');
        bool first = true;
        if (has_attributes) {
            text_.append("\"#attributes\":{");
            for (const auto& [name, value] : e.attributes) {
                if (value.is_null()) continue;
                if (!first) text_.push_back(',');
                first = false;
                core::append_json_string(text_, name);
                text_.push_back(':');
                part(value);
            }
            text_.push_back('}');
            first = false;
        }
        for (const std::uint32_t c : e.children) {
            if (!first) text_.push_back(',');
            first = false;
            key(c);
            element(c);
        }
        if (text != nullptr) {
            if (!first) text_.push_back(',');
            text_.append("\"#text\":");
            part(*text);
        }
        text_.push_back('}');
    }

    const std::vector<Element>& elements_;
    std::string& text_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>>& steps_;
};

std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return h * 0xFF51AFD7ED558CCDULL;
}

}  // namespace

const JsonProgramWriter::Uses& JsonProgramWriter::uses_of(std::uint32_t template_offset,
                                                          const std::vector<Op>& ops) {
    auto [it, inserted] = uses_.try_emplace(template_offset);
    Uses& u = it->second;
    if (!inserted) return u;
    // The substitutions RecordBuilder::run reaches, in its order, and whether each sits in an
    // attribute value (where BinXML is skipped, not expanded).
    bool in_attribute = false;
    u.supported = true;
    for (const Op& op : ops) {
        switch (op.code) {
            case OpCode::kAttribute:
                in_attribute = true;
                break;
            case OpCode::kOpenElement:
            case OpCode::kCloseStart:
            case OpCode::kCloseEmpty:
            case OpCode::kEndElement:
            case OpCode::kEnd:
                in_attribute = false;
                break;
            case OpCode::kSubstitution:
                if (op.optional && op.value_type == value_type::kNull) break;
                u.uses.push_back({op.index, in_attribute});
                break;
            case OpCode::kValue:
                if (op.value_type == value_type::kBinXml) u.supported = false;
                break;
            case OpCode::kText:
                break;
            default:
                u.supported = false;
                break;
        }
    }
    return u;
}

// Follows RecordBuilder::run_template and run_embedded for `instance` (found in ops run at
// `depth`): the same checks and the same charges in the same order, collecting the values and
// the shape instead of building. False where the builder would fail or do what no program does.
bool JsonProgramWriter::expand(ChunkContext& ctx, const Op& instance, int depth) {
    const int max_depth = ctx.limits().max_binxml_depth;
    if (depth + 1 > max_depth) return false;
    const std::uint32_t count = load_le<std::uint32_t>(instance.data);
    if (!ctx.charge(count)) return false;
    auto tmpl = ctx.template_at(instance.offset);
    if (!tmpl) return false;
    const std::vector<Op>& ops = **tmpl;
    if (!ctx.charge(ops.size())) return false;
    const Uses& uses = uses_of(instance.offset, ops);
    if (!uses.supported) return false;

    const auto base = static_cast<std::uint32_t>(slots_.size());
    instances_.push_back({&ops, base, count});
    const std::uint8_t* descriptor = instance.data + 4;
    const std::uint8_t* value = descriptor + 4 * std::size_t{count};
    for (std::uint32_t i = 0; i < count; ++i, descriptor += 4) {
        const std::uint16_t size = load_le<std::uint16_t>(descriptor);
        slots_.push_back({value, size, descriptor[2]});
        value += size;
    }
    auto put = [&](std::uint32_t v) {
        for (int b = 0; b < 4; ++b) signature_.push_back(static_cast<std::uint8_t>(v >> (8 * b)));
    };
    put(template_id(instance.offset, ops));
    put(count);
    for (std::uint32_t i = 0; i < count; ++i) signature_.push_back(slots_[base + i].type);

    for (const Use& use : uses.uses) {
        if (use.index >= count) continue;
        const Slot s = slots_[base + use.index];
        if (s.type != value_type::kBinXml) continue;
        if (use.in_attribute) return false;  // the builder records it as skipped
        if (s.size == 0) {
            signature_.push_back(0);
            continue;
        }
        signature_.push_back(1);
        if (depth + 2 > max_depth) return false;
        fragment_.clear();
        const std::size_t begin = ctx.offset_of(s.data);
        if (!decode_fragment(ctx, begin, begin + s.size, true, fragment_)) return false;
        if (fragment_.empty() || fragment_.size() > 2 ||
            fragment_[0].code != OpCode::kTemplateInstance ||
            (fragment_.size() == 2 && fragment_[1].code != OpCode::kEnd)) {
            return false;
        }
        if (!ctx.charge(fragment_.size())) return false;
        const Op nested = fragment_[0];
        if (!expand(ctx, nested, depth + 2)) return false;
    }
    return true;
}

std::uint32_t JsonProgramWriter::template_id(std::uint32_t template_offset,
                                             const std::vector<Op>& ops) {
    if (auto it = chunk_ids_.find(template_offset); it != chunk_ids_.end()) return it->second;
    // Everything a program takes from the ops, offsets within the chunk excepted.
    std::string& s = serialized_;
    s.clear();
    auto put = [&](const void* p, std::size_t n) { s.append(static_cast<const char*>(p), n); };
    for (const Op& op : ops) {
        const std::uint8_t head[4] = {static_cast<std::uint8_t>(op.code), op.optional,
                                      op.value_type, 0};
        put(head, sizeof head);
        put(&op.index, sizeof op.index);
        put(&op.size, sizeof op.size);
        const auto name_size = static_cast<std::uint32_t>(op.name.size());
        put(&name_size, sizeof name_size);
        s.append(op.name);
        switch (op.code) {
            case OpCode::kText:
            case OpCode::kValue:
            case OpCode::kCData:
            case OpCode::kPIData:
                put(op.data, op.size);
                break;
            case OpCode::kTemplateInstance:  // never compiled (Uses::supported), kept apart
                put(&template_offset, sizeof template_offset);
                break;
            default:
                break;
        }
    }
    auto [it, inserted] =
        template_ids_.try_emplace(s, static_cast<std::uint32_t>(template_ids_.size()));
    if (inserted) cache_bytes_ += s.size() + 64;
    chunk_ids_.emplace(template_offset, it->second);
    return it->second;
}

void JsonProgramWriter::compile(ChunkContext& ctx, Program& program) {
    ++compiled_;
    std::vector<RecordShape::Instance> instances;
    for (const Instance& i : instances_) instances.push_back({i.ops, i.slot_base, i.count});
    std::vector<std::uint8_t> types;
    std::vector<std::uint16_t> sizes;
    for (const Slot& s : slots_) {
        types.push_back(s.type);
        sizes.push_back(s.size);
    }
    const RecordShape shape{instances, types, sizes};
    std::vector<Element> elements;
    TreeBuilder builder(ctx, shape, elements);
    if (!builder.build()) return;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> steps;
    ProgramEmitter emitter(elements, program.text, steps);
    if (!emitter.simple(0, 0)) return;
    emitter.root();
    for (const auto& [end, slot] : steps) program.steps.push_back({end, slot});
    program.steps.push_back({static_cast<std::uint32_t>(program.text.size()), kNoSlot});
    program.usable = true;
}

core::Result<bool> JsonProgramWriter::write(ChunkContext& ctx, std::span<const Op> ops,
                                            std::string& out) {
    // The record must be one template instance and nothing else.
    if (ops.empty() || ops.size() > 2 || ops[0].code != OpCode::kTemplateInstance ||
        (ops.size() == 2 && ops[1].code != OpCode::kEnd)) {
        return false;
    }
    if (ctx.epoch() != epoch_) {
        uses_.clear();
        chunk_ids_.clear();
        epoch_ = ctx.epoch();
        // Programs outlive chunks (template_id); a bound keeps memory flat on any input.
        if (cache_bytes_ > kMaxCacheBytes) {
            programs_.clear();
            template_ids_.clear();
            cache_bytes_ = 0;
        }
    }
    // Giving up hands the record to the tree, which charges the same work again: the budget
    // goes back to where it was, less the template definitions decoded meanwhile (cached, so
    // never charged twice).
    const std::uint64_t work_before = ctx.work();
    const std::uint64_t template_work_before = ctx.template_work();
    auto give_up = [&] {
        ctx.restore_work(work_before + (ctx.template_work() - template_work_before));
        return false;
    };
    slots_.clear();
    instances_.clear();
    signature_.clear();
    if (!ctx.charge(ops.size()) || !expand(ctx, ops[0], 0)) return give_up();

    std::uint64_t h = signature_.size();
    std::size_t i = 0;
    for (; i + 8 <= signature_.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, signature_.data() + i, 8);
        h = mix(h, w);
    }
    for (; i < signature_.size(); ++i) h = mix(h, signature_[i]);
    Entry* entry = nullptr;
    if (auto it = programs_.find(h); it != programs_.end() && it->second.signature == signature_) {
        entry = &it->second;
    } else {
        entry = &programs_[h];
        entry->signature = signature_;
        entry->program = Program{};
        compile(ctx, entry->program);
        cache_bytes_ += entry->signature.size() + entry->program.text.size() +
                        entry->program.steps.size() * sizeof(Step) + 128;
    }
    const Program& program = entry->program;
    if (!program.usable) return give_up();

    const std::size_t out_before = out.size();
    std::uint32_t at = 0;
    for (const Step& step : program.steps) {
        out.append(program.text, at, step.text_end - at);
        at = step.text_end;
        if (step.slot == kNoSlot) break;
        const Slot& s = slots_[step.slot];
        const core::Value v = substitution_value(s.type, s.data, s.size);
        if (v.is_null()) {  // unreadable: the tree path records it as skipped
            out.resize(out_before);
            return give_up();
        }
        append_value_json(v, out);
    }
    ++written_;
    return true;
}

}  // namespace vigie::evtx
