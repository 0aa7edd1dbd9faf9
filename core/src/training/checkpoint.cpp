// Checkpoint files: binary encoding with bounds-checked decoding, CRC-32, atomic writing.
#include <cgp/sdk/abi.h>
#include <cgp/io/atomic_file.hpp>
#include <cgp/training/checkpoint.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>

#include <boost/crc.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>

namespace cgp {
namespace {

constexpr char kMagic[8] = {'C', 'G', 'P', 'C', 'K', 'P', 'T', '\n'};
constexpr std::size_t kHeader = 8 + 4 + 8; // magic, version, length

static_assert(std::endian::native == std::endian::little, "checkpoints are written little-endian");

class Writer {
public:
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u32(std::uint32_t v) { raw(&v, sizeof v); }
    void u64(std::uint64_t v) { raw(&v, sizeof v); }
    void f64(double v) { raw(&v, sizeof v); }
    void str(const std::string& s)
    {
        u64(s.size());
        raw(s.data(), s.size());
    }
    void bytes(const std::vector<std::uint8_t>& b)
    {
        u64(b.size());
        raw(b.data(), b.size());
    }
    void raw(const void* p, std::size_t n)
    {
        const auto* b = static_cast<const std::uint8_t*>(p);
        out_.insert(out_.end(), b, b + n);
    }
    std::vector<std::uint8_t>& data() { return out_; }

private:
    std::vector<std::uint8_t> out_;
};

class Reader {
public:
    Reader(std::span<const std::uint8_t> in, const std::string& origin) : in_(in), origin_(origin) {}
    std::uint8_t u8()
    {
        std::uint8_t v;
        raw(&v, 1);
        return v;
    }
    std::uint32_t u32()
    {
        std::uint32_t v;
        raw(&v, sizeof v);
        return v;
    }
    std::uint64_t u64()
    {
        std::uint64_t v;
        raw(&v, sizeof v);
        return v;
    }
    double f64()
    {
        double v;
        raw(&v, sizeof v);
        return v;
    }
    // A count of items of at least `item_size` bytes each, bounded by what is left.
    std::uint64_t count(std::size_t item_size)
    {
        const std::uint64_t n = u64();
        if (item_size > 0 && n > left() / item_size)
            corrupt("a count exceeds the file's size");
        return n;
    }
    // Strings and byte blocks are bounded by the file's size only: whatever cgp writes, it reads
    // (a shuffled-epoch sampler's state grows with the dataset).
    std::string str()
    {
        const std::uint64_t n = count(1);
        std::string s(n, '\0');
        raw(s.data(), n);
        return s;
    }
    std::vector<std::uint8_t> bytes()
    {
        const std::uint64_t n = count(1);
        std::vector<std::uint8_t> b(n);
        raw(b.data(), n);
        return b;
    }
    std::size_t left() const { return in_.size() - pos_; }
    [[noreturn]] void corrupt(const std::string& why) const
    {
        throw Error(fmt::format("checkpoint '{}' is corrupt: {}", origin_, why));
    }

private:
    void raw(void* p, std::size_t n)
    {
        if (n > left())
            corrupt("it ends in the middle of a field");
        if (n > 0)
            std::memcpy(p, in_.data() + pos_, n);
        pos_ += n;
    }
    std::span<const std::uint8_t> in_;
    std::size_t pos_ = 0;
    const std::string& origin_;
};

std::uint32_t crc32(const std::uint8_t* p, std::size_t n)
{
    boost::crc_32_type crc;
    crc.process_bytes(p, n);
    return crc.checksum();
}

void write_loop(Writer& w, const LoopState& l)
{
    w.u64(l.iteration);
    w.u64(l.step);
    w.u64(l.skipped);
    w.f64(l.window_sum);
    w.u64(l.window_count);
    w.u64(l.window_finite);
    w.u64(l.records.size());
    for (const LossRecord& r : l.records) {
        w.u64(r.iteration);
        w.f64(r.loss);
        w.u64(r.window);
        w.f64(r.seconds);
    }
}

LoopState read_loop(Reader& r)
{
    LoopState l;
    l.iteration = r.u64();
    l.step = r.u64();
    l.skipped = r.u64();
    l.window_sum = r.f64();
    l.window_count = r.u64();
    l.window_finite = r.u64();
    const std::uint64_t n = r.count(32);
    for (std::uint64_t i = 0; i < n; ++i) {
        LossRecord rec;
        rec.iteration = r.u64();
        rec.loss = r.f64();
        rec.window = r.u64();
        rec.seconds = r.f64();
        l.records.push_back(rec);
    }
    return l;
}

void write_transforms(Writer& w, const TransformRecord& t)
{
    w.u64(t.schedules.size());
    for (std::size_t k = 0; k < t.schedules.size(); ++k) {
        w.str(t.schedules[k]);
        const PlateauState& p = t.plateau[k];
        w.f64(p.best);
        w.u64(p.bad);
        w.u64(p.cooldown);
        w.f64(p.value);
    }
    for (double v : {t.decay, t.decay_lr, t.clip_value, t.clip_norm, t.clip_norm_per_tensor})
        w.f64(v);
    w.u8(t.decay_mode);
    w.u8(t.decay_biases);
    w.u64(t.history.size());
    for (double v : t.history)
        w.f64(v);
}

TransformRecord read_transforms(Reader& r)
{
    TransformRecord t;
    const std::uint64_t n = r.count(8 + 32);
    for (std::uint64_t k = 0; k < n; ++k) {
        t.schedules.push_back(r.str());
        PlateauState p;
        p.best = r.f64();
        p.bad = r.u64();
        p.cooldown = r.u64();
        p.value = r.f64();
        t.plateau.push_back(p);
    }
    for (double* v : {&t.decay, &t.decay_lr, &t.clip_value, &t.clip_norm, &t.clip_norm_per_tensor})
        *v = r.f64();
    t.decay_mode = r.u8();
    t.decay_biases = r.u8();
    if (t.decay_mode > 1 || t.decay_biases > 1)
        r.corrupt("unknown weight decay mode");
    const std::uint64_t h = r.count(8);
    if (n == 0 ? h != 0 : h % n != 0)
        r.corrupt("the scheduled values do not match the schedules");
    for (std::uint64_t i = 0; i < h; ++i)
        t.history.push_back(r.f64());
    return t;
}

} // namespace

Checkpoint capture_checkpoint(const Checkpoint& identity, const RunSnapshot& run)
{
    Checkpoint c = identity;
    c.loop = run.loop;
    c.param_count = run.params.size() / run.value_size;
    c.params.assign(run.params.begin(), run.params.end());
    c.state.clear();
    for (const std::span<const std::uint8_t> a : run.optimizer_state)
        c.state.emplace_back(a.begin(), a.end());
    c.sampler_state = run.sampler.save_state();
    c.observers.clear();
    for (const TrainObserver* o : run.observers)
        if (std::string key = o->state_key(); !key.empty())
            c.observers.emplace_back(std::move(key), o->save_state());
    if (run.transforms != nullptr)
        c.transforms = run.transforms->record();
    c.run_state.assign(run.run_state.begin(), run.run_state.end());
    c.format = kCheckpointFormat;
    return c;
}

std::vector<std::string> restore_observers(const Checkpoint& c, std::span<TrainObserver* const> observers)
{
    std::vector<std::string> notes;
    for (TrainObserver* o : observers) {
        const std::string key = o->state_key();
        if (key.empty())
            continue;
        const auto it = std::find_if(c.observers.begin(), c.observers.end(),
                                     [&key](const auto& entry) { return entry.first == key; });
        if (it == c.observers.end())
            notes.push_back(fmt::format("the checkpoint holds no {} state (written {}); it starts afresh", key,
                                        c.format < 2 ? "by an older cgp" : "by a run without it"));
        else
            o->restore_state(it->second);
    }
    return notes;
}

std::vector<std::uint8_t> serialize_checkpoint(const Checkpoint& c)
{
    Writer w;
    w.str(c.model_name);
    w.u64(c.model_fingerprint);
    w.u64(c.data_fingerprint);
    w.str(c.dtype);
    w.str(c.plugin_id);
    w.str(c.plugin_version);
    w.u64(c.hparams.size());
    for (const auto& [name, value] : c.hparams) {
        w.str(name);
        w.f64(value);
    }
    w.u64(c.batch_size);
    w.u64(c.log_every);
    w.u64(c.seed);
    write_loop(w, c.loop);
    w.u64(c.param_count);
    w.bytes(c.params);
    w.u64(c.state.size());
    for (const auto& s : c.state)
        w.bytes(s);
    w.str(c.sampler_state);
    if (c.format >= 2) {
        w.u64(c.observers.size());
        for (const auto& [key, state] : c.observers) {
            w.str(key);
            w.str(state);
        }
    }
    if (c.format >= 3) // an older checkpoint (read from a file) is written as it was read
        write_transforms(w, c.transforms);
    if (c.format >= 4) {
        w.u64(c.transforms.groups.size());
        for (const std::string& g : c.transforms.groups)
            w.str(g);
    }
    if (c.format >= 5) {
        w.str(c.loss);
        w.u64(c.run_state.size());
        for (double v : c.run_state)
            w.f64(v);
    }

    const std::vector<std::uint8_t>& payload = w.data();
    Writer file;
    file.raw(kMagic, sizeof kMagic);
    file.u32(c.format >= 1 && c.format <= kCheckpointFormat ? c.format : kCheckpointFormat);
    file.u64(payload.size());
    file.raw(payload.data(), payload.size());
    file.u32(crc32(file.data().data() + 8, file.data().size() - 8));
    return std::move(file.data());
}

Checkpoint parse_checkpoint(std::span<const std::uint8_t> bytes, const std::string& origin)
{
    if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        throw Error(fmt::format("'{}' is not a cgp checkpoint (no CGPCKPT header)", origin));
    if (bytes.size() < kHeader + 4)
        throw Error(fmt::format("checkpoint '{}' is truncated ({} bytes)", origin, bytes.size()));
    std::uint32_t version;
    std::uint64_t length;
    std::memcpy(&version, bytes.data() + 8, 4);
    std::memcpy(&length, bytes.data() + 12, 8);
    if (version > kCheckpointFormat)
        throw Error(fmt::format("checkpoint '{}' has format version {}, newer than this cgp reads ({}); update cgp",
                                origin, version, kCheckpointFormat));
    if (version == 0)
        throw Error(fmt::format("checkpoint '{}' is corrupt: format version 0", origin));
    if (length > bytes.size() - kHeader - 4)
        throw Error(fmt::format("checkpoint '{}' is truncated ({} bytes, the header announces {})", origin,
                                bytes.size(), kHeader + length + 4));
    if (length < bytes.size() - kHeader - 4)
        throw Error(fmt::format("checkpoint '{}' is corrupt: {} bytes of trailing data", origin,
                                bytes.size() - kHeader - 4 - length));
    std::uint32_t stored;
    std::memcpy(&stored, bytes.data() + kHeader + length, 4);
    if (crc32(bytes.data() + 8, kHeader - 8 + length) != stored)
        throw Error(fmt::format("checkpoint '{}' is corrupt: checksum mismatch (a byte changed on disk?)", origin));

    Reader r(bytes.subspan(kHeader, length), origin);
    Checkpoint c;
    c.model_name = r.str();
    c.model_fingerprint = r.u64();
    c.data_fingerprint = r.u64();
    c.dtype = r.str();
    if (c.dtype != "f32" && c.dtype != "f64")
        r.corrupt(fmt::format("unknown dtype '{}'", c.dtype));
    c.plugin_id = r.str();
    c.plugin_version = r.str();
    const std::uint64_t nh = r.count(16);
    for (std::uint64_t i = 0; i < nh; ++i) {
        std::string name = r.str();
        const double value = r.f64();
        c.hparams.emplace_back(std::move(name), value);
    }
    c.batch_size = r.u64();
    c.log_every = r.u64();
    c.seed = r.u64();
    c.loop = read_loop(r);
    c.param_count = r.u64();
    c.params = r.bytes();
    const std::size_t width = c.dtype == "f32" ? 4 : 8;
    if (c.params.size() != c.param_count * width || c.params.size() / width != c.param_count)
        r.corrupt("the parameter block does not match the parameter count");
    const std::uint64_t ns = r.count(8);
    if (ns > CGP_MAX_STATE_ARRAYS)
        r.corrupt(fmt::format("more than {} optimizer state arrays", CGP_MAX_STATE_ARRAYS));
    for (std::uint64_t i = 0; i < ns; ++i) {
        c.state.push_back(r.bytes());
        if (c.state.back().size() != c.params.size())
            r.corrupt("an optimizer state array does not match the parameter count");
    }
    c.sampler_state = r.str();
    c.format = version;
    if (version >= 2) {
        const std::uint64_t n = r.count(16);
        for (std::uint64_t i = 0; i < n; ++i) {
            std::string key = r.str();
            c.observers.emplace_back(std::move(key), r.str());
        }
    }
    if (version >= 3)
        c.transforms = read_transforms(r);
    if (version >= 4) {
        const std::uint64_t n = r.count(8);
        for (std::uint64_t i = 0; i < n; ++i)
            c.transforms.groups.push_back(r.str());
    }
    if (version >= 5) {
        c.loss = r.str();
        const std::uint64_t n = r.count(8);
        for (std::uint64_t i = 0; i < n; ++i)
            c.run_state.push_back(r.f64());
    }
    if (r.left() != 0)
        r.corrupt("unread bytes after the last field");
    const LoopState& l = c.loop;
    if (c.batch_size == 0 || c.log_every == 0 || l.window_count > c.log_every || l.window_finite > l.window_count ||
        l.step + l.skipped != l.iteration)
        r.corrupt("inconsistent counters");
    return c;
}

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c)
{
    const std::vector<std::uint8_t> bytes = serialize_checkpoint(c);
    AtomicFile file(path);
    file.write(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    file.commit();
}

Checkpoint read_checkpoint(const std::filesystem::path& path)
{
    const std::string content = read_input_file(path, "checkpoint", kNoLimit);
    const std::vector<std::uint8_t> bytes(content.begin(), content.end());
    return parse_checkpoint(bytes, path.string());
}

std::uint64_t fingerprint(const Dataset& d)
{
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) {
            h ^= b[i];
            h *= 1099511628211ull;
        }
    };
    for (const auto& n : d.feature_names)
        mix(n.data(), n.size() + 1);
    for (const auto& n : d.label_names)
        mix(n.data(), n.size() + 1);
    mix(d.x.data(), d.x.size() * sizeof(double));
    mix(d.y.data(), d.y.size() * sizeof(double));
    return h;
}

} // namespace cgp
