#include "evtx/writer.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "core/utf16.hpp"
#include "evtx/binxml.hpp"
#include "evtx/format.hpp"

namespace vigie::evtx {
namespace {

template <typename T>
void put(std::vector<std::uint8_t>& out, T v) {
    const auto at = out.size();
    out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &v, sizeof(T));
}
template <typename T>
void put_at(std::vector<std::uint8_t>& out, std::size_t at, T v) {
    std::memcpy(out.data() + at, &v, sizeof(T));
}
void put_utf16(std::vector<std::uint8_t>& out, std::string_view utf8) {
    for (char16_t u : core::utf8_to_utf16(utf8)) put<std::uint16_t>(out, u);
}

// Substitution type and bytes for a value.
void encode_value(const core::Value& v, std::uint8_t& type, std::vector<std::uint8_t>& out) {
    namespace vt = value_type;
    auto raw = v.bytes();
    switch (v.kind()) {
        case core::ValueKind::kNull:
            type = vt::kNull;
            return;
        case core::ValueKind::kUtf8:
            type = vt::kString;
            put_utf16(out, v.utf8_view());
            return;
        case core::ValueKind::kUtf16:
            type = vt::kString;
            out.insert(out.end(), raw.begin(), raw.end());
            return;
        case core::ValueKind::kAnsi:
            type = vt::kAnsiString;
            out.insert(out.end(), raw.begin(), raw.end());
            return;
        case core::ValueKind::kInt:
            switch (v.width()) {
                case 1:
                    type = vt::kInt8;
                    put<std::int8_t>(out, static_cast<std::int8_t>(v.as_int64()));
                    return;
                case 2:
                    type = vt::kInt16;
                    put<std::int16_t>(out, static_cast<std::int16_t>(v.as_int64()));
                    return;
                case 4:
                    type = vt::kInt32;
                    put<std::int32_t>(out, static_cast<std::int32_t>(v.as_int64()));
                    return;
                default:
                    type = vt::kInt64;
                    put<std::int64_t>(out, v.as_int64());
                    return;
            }
        case core::ValueKind::kUInt:
            switch (v.width()) {
                case 1:
                    type = vt::kUInt8;
                    put<std::uint8_t>(out, static_cast<std::uint8_t>(v.as_uint64()));
                    return;
                case 2:
                    type = vt::kUInt16;
                    put<std::uint16_t>(out, static_cast<std::uint16_t>(v.as_uint64()));
                    return;
                case 4:
                    type = vt::kUInt32;
                    put<std::uint32_t>(out, static_cast<std::uint32_t>(v.as_uint64()));
                    return;
                default:
                    type = vt::kUInt64;
                    put<std::uint64_t>(out, v.as_uint64());
                    return;
            }
        case core::ValueKind::kReal32:
            type = vt::kReal32;
            put<float>(out, static_cast<float>(v.as_double()));
            return;
        case core::ValueKind::kReal64:
            type = vt::kReal64;
            put<double>(out, v.as_double());
            return;
        case core::ValueKind::kBool:
            type = vt::kBool;
            put<std::uint32_t>(out, v.as_bool() ? 1 : 0);
            return;
        case core::ValueKind::kBinary:
            type = vt::kBinary;
            out.insert(out.end(), raw.begin(), raw.end());
            return;
        case core::ValueKind::kGuid:
            type = vt::kGuid;
            out.insert(out.end(), raw.begin(), raw.end());
            return;
        case core::ValueKind::kFileTime:
            type = vt::kFileTime;
            put<std::uint64_t>(out, v.as_filetime());
            return;
        case core::ValueKind::kSid:
            type = vt::kSid;
            out.insert(out.end(), raw.begin(), raw.end());
            return;
        case core::ValueKind::kHex32:
            type = vt::kHexInt32;
            put<std::uint32_t>(out, static_cast<std::uint32_t>(v.as_uint64()));
            return;
        case core::ValueKind::kHex64:
            type = vt::kHexInt64;
            put<std::uint64_t>(out, v.as_uint64());
            return;
        case core::ValueKind::kArray: {
            // Arrays keep their packed bytes; the element kind picks the array type.
            static constexpr std::uint8_t kIntTypes[9] = {
                0, vt::kInt8, vt::kInt16, 0, vt::kInt32, 0, 0, 0, vt::kInt64};
            static constexpr std::uint8_t kUIntTypes[9] = {
                0, vt::kUInt8, vt::kUInt16, 0, vt::kUInt32, 0, 0, 0, vt::kUInt64};
            std::uint8_t element = vt::kString;
            switch (v.element_kind()) {
                case core::ValueKind::kInt:
                    element = kIntTypes[std::min<std::size_t>(v.width(), 8)];
                    break;
                case core::ValueKind::kUInt:
                    element = kUIntTypes[std::min<std::size_t>(v.width(), 8)];
                    break;
                case core::ValueKind::kAnsi:
                    element = vt::kAnsiString;
                    break;
                case core::ValueKind::kReal32:
                    element = vt::kReal32;
                    break;
                case core::ValueKind::kReal64:
                    element = vt::kReal64;
                    break;
                case core::ValueKind::kBool:
                    element = vt::kBool;
                    break;
                case core::ValueKind::kGuid:
                    element = vt::kGuid;
                    break;
                case core::ValueKind::kFileTime:
                    element = v.width() == 16 ? vt::kSysTime : vt::kFileTime;
                    break;
                case core::ValueKind::kSid:
                    element = vt::kSid;
                    break;
                case core::ValueKind::kHex32:
                    element = vt::kHexInt32;
                    break;
                case core::ValueKind::kHex64:
                    element = vt::kHexInt64;
                    break;
                default:
                    break;
            }
            type = static_cast<std::uint8_t>(element | vt::kArrayFlag);
            out.insert(out.end(), raw.begin(), raw.end());
            return;
        }
    }
}

// Attribute values Windows keeps in the template itself rather than as substitutions: the
// namespace and the names of <Data> elements. They become part of the template's shape.
bool literal_attribute(std::string_view element, std::string_view attribute) {
    return attribute == "xmlns" || (element == "Data" && attribute == "Name");
}

}  // namespace

EvtxWriter::EvtxWriter() {
    file_.resize(kFileHeaderSize);
}

void EvtxWriter::start_chunk() {
    chunk_.assign(kChunkSize, 0);
    chunk_used_ = kChunkHeaderSize;
    chunk_records_ = 0;
    chunk_first_number_ = next_record_number_;
    templates_.clear();
    names_.clear();
}

void EvtxWriter::finish_chunk() {
    if (chunk_records_ == 0) return;
    std::memcpy(chunk_.data(), kChunkSignature, 8);
    put_at<std::uint64_t>(chunk_, 8, chunk_first_number_);
    put_at<std::uint64_t>(chunk_, 16, chunk_first_number_ + chunk_records_ - 1);
    put_at<std::uint64_t>(chunk_, 24, chunk_first_id_);
    put_at<std::uint64_t>(chunk_, 32, chunk_last_id_);
    put_at<std::uint32_t>(chunk_, 40, 128);
    put_at<std::uint32_t>(chunk_, 44, chunk_last_record_offset_);
    put_at<std::uint32_t>(chunk_, 48, static_cast<std::uint32_t>(chunk_used_));
    put_at<std::uint32_t>(
        chunk_, 52,
        crc32(std::span(chunk_).subspan(kChunkHeaderSize, chunk_used_ - kChunkHeaderSize)));
    const std::uint32_t header_crc = crc32(std::span(chunk_).subspan(128, kChunkHeaderSize - 128),
                                           crc32(std::span(chunk_).first(120)));
    put_at<std::uint32_t>(chunk_, 124, header_crc);
    file_.insert(file_.end(), chunk_.begin(), chunk_.end());
    ++chunks_;
    chunk_records_ = 0;
    chunk_.clear();
}

bool EvtxWriter::as_value_token(const core::Value& v) const {
    if (!value_tokens_) return false;
    std::uint8_t type = value_type::kNull;
    std::vector<std::uint8_t> ignored;
    encode_value(v, type, ignored);
    return type == value_type::kString || type == value_type::kSid || fixed_value_size(type) > 0;
}

std::string EvtxWriter::shape_key(const core::Event& event) const {
    // Names, nesting and value types: two events with the same key share a template. Values
    // written as value tokens are part of the template, so of its key.
    std::string key;
    auto add_token_value = [&](const core::Value& v) {
        if (!as_value_token(v)) return;
        std::uint8_t type = 0;
        std::vector<std::uint8_t> bytes;
        encode_value(v, type, bytes);
        key += fmt::format("#{:02x}:", type);
        for (std::uint8_t b : bytes) key += fmt::format("{:02x}", b);
    };
    for (const core::Node& n : event.nodes()) {
        if (n.kind == core::NodeKind::kText) add_token_value(n.value);
        key += static_cast<char>('0' + static_cast<int>(n.kind));
        key += n.name;
        key += n.parent == core::Node::kNone ? std::string("^") : fmt::format("^{}", n.parent);
        for (const core::Attribute& a : event.attributes(n)) {
            key += '@';
            key += a.name;
            if (literal_attribute(n.name, a.name)) {
                key += '=';
                key += a.value.text();
            } else {
                add_token_value(a.value);
            }
        }
        key += '|';
    }
    return key;
}

void EvtxWriter::encode_name(std::string_view name, std::vector<std::uint8_t>& out,
                             std::size_t base) {
    const std::string key(name);
    if (auto it = names_.find(key); it != names_.end()) {
        put<std::uint32_t>(out, it->second);
        return;
    }
    // First use in this chunk: the name is stored inline, right after its own offset.
    const auto offset = static_cast<std::uint32_t>(base + out.size() + 4);
    put<std::uint32_t>(out, offset);
    put<std::uint32_t>(out, 0);  // next name in the hash chain: unused by readers
    const std::u16string units = core::utf8_to_utf16(name);
    std::uint16_t hash = 0;
    for (char16_t u : units) hash = static_cast<std::uint16_t>(hash * 65599 + u);
    put<std::uint16_t>(out, hash);
    put<std::uint16_t>(out, static_cast<std::uint16_t>(units.size()));
    for (char16_t u : units) put<std::uint16_t>(out, u);
    put<std::uint16_t>(out, 0);
    names_.emplace(key, offset);
}

void EvtxWriter::encode_node(const core::Event& event, std::uint32_t index,
                             std::vector<std::uint8_t>& out, std::size_t base,
                             const std::vector<Substitution>& subs, std::uint16_t& next_sub,
                             int depth) {
    if (depth > 64) return;
    const core::Node& n = event.node(index);
    // The values were encoded by collect_values in this same order: reuse their types.
    auto substitution = [&](const core::Value& v) {
        if (as_value_token(v)) {
            std::uint8_t type = 0;
            std::vector<std::uint8_t> bytes;
            encode_value(v, type, bytes);
            out.push_back(token::kValue);
            out.push_back(type);
            // A string value token counts its characters; other types have a fixed size or,
            // for SIDs, one given by their sub-authority count.
            if (type == value_type::kString)
                put<std::uint16_t>(out, static_cast<std::uint16_t>(bytes.size() / 2));
            out.insert(out.end(), bytes.begin(), bytes.end());
            return;
        }
        const std::uint8_t type = next_sub < subs.size() ? subs[next_sub].type : value_type::kNull;
        out.push_back(token::kNormalSubstitution);
        put<std::uint16_t>(out, next_sub++);
        out.push_back(type);
    };
    switch (n.kind) {
        case core::NodeKind::kText:
            substitution(n.value);
            return;
        case core::NodeKind::kCData: {
            out.push_back(token::kCDataSection);
            const std::u16string units = core::utf8_to_utf16(n.value.text());
            put<std::uint16_t>(out, static_cast<std::uint16_t>(units.size()));
            for (char16_t u : units) put<std::uint16_t>(out, u);
            return;
        }
        case core::NodeKind::kProcessingInstruction:
            return;
        case core::NodeKind::kElement:
            break;
    }
    const bool has_attributes = n.attr_count > 0;
    out.push_back(has_attributes ? token::kOpenStartElement | token::kHasMoreDataFlag
                                 : token::kOpenStartElement);
    put<std::uint16_t>(out, 0xFFFF);  // dependency identifier: none
    const std::size_t size_at = out.size();
    put<std::uint32_t>(out, 0);  // data size, patched below
    encode_name(n.name, out, base);
    std::size_t attr_size_at = 0;
    if (has_attributes) {
        attr_size_at = out.size();
        put<std::uint32_t>(out, 0);
        const auto attrs = event.attributes(n);
        for (std::size_t i = 0; i < attrs.size(); ++i) {
            out.push_back(i + 1 < attrs.size() ? token::kAttribute | token::kHasMoreDataFlag
                                               : token::kAttribute);
            encode_name(attrs[i].name, out, base);
            if (literal_attribute(n.name, attrs[i].name)) {
                const std::u16string units = core::utf8_to_utf16(attrs[i].value.text());
                out.push_back(token::kValue);
                out.push_back(value_type::kString);
                put<std::uint16_t>(out, static_cast<std::uint16_t>(units.size()));
                for (char16_t u : units) put<std::uint16_t>(out, u);
            } else {
                substitution(attrs[i].value);
            }
        }
        put_at<std::uint32_t>(out, attr_size_at,
                              static_cast<std::uint32_t>(out.size() - attr_size_at - 4));
    }
    if (n.first_child == core::Node::kNone) {
        out.push_back(token::kCloseEmptyElement);
    } else {
        out.push_back(token::kCloseStartElement);
        for (std::uint32_t c = n.first_child; c != core::Node::kNone;
             c = event.node(c).next_sibling) {
            encode_node(event, c, out, base, subs, next_sub, depth + 1);
        }
        out.push_back(token::kEndElement);
    }
    put_at<std::uint32_t>(out, size_at, static_cast<std::uint32_t>(out.size() - size_at - 4));
}

void EvtxWriter::encode_template(const core::Event& event, const std::vector<Substitution>& subs,
                                 std::vector<std::uint8_t>& out, std::size_t base) {
    std::uint16_t next_sub = 0;
    out.push_back(token::kFragmentHeader);
    out.push_back(1);
    out.push_back(1);
    out.push_back(0);
    for (std::uint32_t i = 0; i < event.nodes().size(); ++i) {
        if (event.node(i).parent == core::Node::kNone)
            encode_node(event, i, out, base, subs, next_sub, 0);
    }
    out.push_back(token::kEof);
}

void EvtxWriter::collect_values(const core::Event& event, std::vector<Substitution>& subs) const {
    // Same order as encode_node assigns substitution indexes: document order, attributes first.
    for (std::uint32_t i = 0; i < event.nodes().size(); ++i) {
        const core::Node& n = event.node(i);
        if (n.kind == core::NodeKind::kElement) {
            for (const core::Attribute& a : event.attributes(n)) {
                if (literal_attribute(n.name, a.name) || as_value_token(a.value)) continue;
                Substitution s{};
                encode_value(a.value, s.type, s.bytes);
                subs.push_back(std::move(s));
            }
        } else if (n.kind == core::NodeKind::kText && !as_value_token(n.value)) {
            Substitution s{};
            encode_value(n.value, s.type, s.bytes);
            subs.push_back(std::move(s));
        }
    }
}

core::Result<void> EvtxWriter::add(const core::Event& event) {
    if (event.empty())
        return core::fail(core::ErrorCode::kInvalidArgument, "cannot write an empty event");
    std::vector<Substitution> subs;
    collect_values(event, subs);
    for (const Substitution& s : subs) {
        if (s.bytes.size() > 0xFFFF) {
            return core::fail(core::ErrorCode::kUnsupported,
                              "a value longer than 65535 bytes cannot be written");
        }
    }
    const std::string key = shape_key(event);
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (chunk_.empty()) start_chunk();
        const std::size_t record_at = chunk_used_;
        // Record: signature, size, id, written time, BinXML, size copy.
        std::vector<std::uint8_t> rec;
        put<std::uint32_t>(rec, kRecordSignature);
        put<std::uint32_t>(rec, 0);
        const std::uint64_t id = event.record_id != 0 ? event.record_id : last_record_id_ + 1;
        put<std::uint64_t>(rec, id);
        put<std::uint64_t>(rec, event.timestamp);
        rec.push_back(token::kFragmentHeader);
        rec.push_back(1);
        rec.push_back(1);
        rec.push_back(0);
        // Readers such as libevtx cache templates by identifier and GUID: derive both from the
        // shape, so equal shapes share them and different shapes never collide.
        const std::uint64_t h1 = std::hash<std::string>()(key);
        const std::uint64_t h2 = std::hash<std::string>()(key + "#");
        rec.push_back(token::kTemplateInstance);
        rec.push_back(1);
        put<std::uint32_t>(rec, static_cast<std::uint32_t>(h1));
        const auto known = templates_.find(key);
        std::size_t definition_at = 0;
        if (known != templates_.end()) {
            put<std::uint32_t>(rec, known->second);
        } else {
            definition_at = record_at + rec.size() + 4;
            put<std::uint32_t>(rec, static_cast<std::uint32_t>(definition_at));
            put<std::uint32_t>(rec, 0);   // next definition offset
            put<std::uint64_t>(rec, h1);  // template GUID
            put<std::uint64_t>(rec, h2);
            const std::size_t size_at = rec.size();
            put<std::uint32_t>(rec, 0);
            encode_template(event, subs, rec, record_at);
            put_at<std::uint32_t>(rec, size_at,
                                  static_cast<std::uint32_t>(rec.size() - size_at - 4));
        }
        put<std::uint32_t>(rec, static_cast<std::uint32_t>(subs.size()));
        for (const Substitution& s : subs) {
            put<std::uint16_t>(rec, static_cast<std::uint16_t>(s.bytes.size()));
            rec.push_back(s.type);
            rec.push_back(0);
        }
        for (const Substitution& s : subs) rec.insert(rec.end(), s.bytes.begin(), s.bytes.end());
        // The document ends with an explicit end-of-stream token: libfwevt reads top-level
        // tokens until it meets one, and would otherwise take the size copy for a token.
        rec.push_back(token::kEof);
        // Windows keeps records 8-byte aligned.
        while ((rec.size() + 4) % 8 != 0) rec.push_back(0);
        put<std::uint32_t>(rec, 0);
        put_at<std::uint32_t>(rec, 4, static_cast<std::uint32_t>(rec.size()));
        put_at<std::uint32_t>(rec, rec.size() - 4, static_cast<std::uint32_t>(rec.size()));

        // libevtx drops (silently) a record that ends on the chunk's last byte: keep a margin.
        if (record_at + rec.size() + 4 > kChunkSize) {
            if (chunk_records_ == 0) {
                return core::fail(core::ErrorCode::kUnsupported,
                                  "event too large for one EVTX chunk");
            }
            // The names and template of a new chunk must be written again: retry there.
            finish_chunk();
            continue;
        }
        if (known == templates_.end())
            templates_.emplace(key, static_cast<std::uint32_t>(definition_at));
        std::memcpy(chunk_.data() + record_at, rec.data(), rec.size());
        chunk_used_ += rec.size();
        if (chunk_records_ == 0) chunk_first_id_ = id;
        chunk_last_id_ = id;
        chunk_last_record_offset_ = static_cast<std::uint32_t>(record_at);
        ++chunk_records_;
        ++next_record_number_;
        last_record_id_ = id;
        return {};
    }
    return core::fail(core::ErrorCode::kUnsupported, "event too large for one EVTX chunk");
}

std::vector<std::uint8_t> EvtxWriter::finish() {
    finish_chunk();
    std::memcpy(file_.data(), kFileSignature, 8);
    put_at<std::uint64_t>(file_, 8, 0);
    put_at<std::uint64_t>(file_, 16, chunks_ == 0 ? 0 : chunks_ - 1);
    put_at<std::uint64_t>(file_, 24, last_record_id_ + 1);
    put_at<std::uint32_t>(file_, 32, 128);
    put_at<std::uint16_t>(file_, 36, 1);
    put_at<std::uint16_t>(file_, 38, 3);
    put_at<std::uint16_t>(file_, 40, 4096);
    put_at<std::uint16_t>(file_, 42, static_cast<std::uint16_t>(chunks_));
    put_at<std::uint32_t>(file_, 120, 0);
    put_at<std::uint32_t>(file_, 124, crc32(std::span(file_).first(120)));
    std::vector<std::uint8_t> out = std::move(file_);
    file_.assign(kFileHeaderSize, 0);
    chunks_ = 0;
    next_record_number_ = 1;
    last_record_id_ = 0;
    return out;
}

core::Result<void> EvtxWriter::write_file(const std::string& path) {
    const std::vector<std::uint8_t> bytes = finish();
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) {
        return core::fail(core::ErrorCode::kIo, "cannot write " + path);
    }
    return {};
}

}  // namespace vigie::evtx
