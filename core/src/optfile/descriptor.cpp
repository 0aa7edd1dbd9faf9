// An optimizer file's descriptor: the compiled file bound to one slot of context-free C functions.
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>
#include <cgp/optfile/descriptor.hpp>
#include <cgp/optfile/program.hpp>

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <mutex>
#include <utility>

namespace cgp::optfile {
namespace {

struct Loaded {
    CompiledFile file;
    cgp_optimizer_descriptor desc{};
    std::size_t slot = 0;
};

std::array<std::atomic<const Loaded*>, kSlots> g_slots{};
std::mutex g_claim;

const Program& program_of(std::size_t k) noexcept
{
    return g_slots[k].load(std::memory_order_acquire)->file.program;
}

template <std::size_t K>
struct Slot {
    static std::uint32_t state_count(const double*) noexcept
    {
        return static_cast<std::uint32_t>(program_of(K).state_count);
    }
    template <class T>
    static int step(const cgp_step_args* args, T* p, const T* g, T* const* s, char*, std::size_t) noexcept
    {
        run_step(program_of(K), (args->flags & CGP_STEP_SCALAR) != 0, args->hparams, args->step, args->count, p, g, s);
        return CGP_OK;
    }
};

int validate(const double*, char*, std::size_t) noexcept
{
    return CGP_OK; // the host checks every value against the file's ranges; a file has no other rule
}

const char* simd_path(std::uint32_t flags) noexcept
{
    return step_path((flags & CGP_STEP_SCALAR) != 0);
}

const void* no_extension(const char*) noexcept
{
    return nullptr;
}

struct SlotFns {
    std::uint32_t (*state_count)(const double*);
    cgp_step_f32_fn step_f32;
    cgp_step_f64_fn step_f64;
};

template <std::size_t... K>
constexpr std::array<SlotFns, sizeof...(K)> slot_table(std::index_sequence<K...>)
{
    return {{{&Slot<K>::state_count, &Slot<K>::template step<float>, &Slot<K>::template step<double>}...}};
}
constexpr auto kSlotFns = slot_table(std::make_index_sequence<kSlots>{});

} // namespace

std::shared_ptr<const cgp_optimizer_descriptor> descriptor_from_text(const std::string& origin, std::string_view text)
{
    // The owner frees its slot when the last user lets go.
    struct Release {
        void operator()(Loaded* l) const noexcept
        {
            if (l->slot < kSlots) {
                const std::lock_guard lock(g_claim);
                g_slots[l->slot].store(nullptr, std::memory_order_release);
            }
            delete l;
        }
    };
    std::shared_ptr<Loaded> loaded(new Loaded{compile(parse_optimizer_file(origin, text)), {}, kSlots}, Release{});
    const CompiledFile& f = loaded->file;
    {
        const std::lock_guard lock(g_claim);
        std::size_t k = 0;
        while (k < kSlots && g_slots[k].load(std::memory_order_relaxed) != nullptr)
            ++k;
        if (k == kSlots)
            throw Error(fmt::format("optimizer file '{}': more than {} optimizer files are loaded at once\n"
                                    "hint: load fewer optimizer files in one process",
                                    origin, kSlots));
        loaded->slot = k;
        g_slots[k].store(loaded.get(), std::memory_order_release);
    }
    cgp_optimizer_descriptor& d = loaded->desc;
    d.struct_size = sizeof d;
    d.id = f.id.c_str();
    d.name = f.name.c_str();
    d.version = f.version.c_str();
    d.summary = f.summary.c_str();
    d.algorithm = f.algorithm.empty() ? nullptr : f.algorithm.c_str();
    d.hparam_count = static_cast<std::uint32_t>(f.hparams.size());
    d.hparams = f.hparams.empty() ? nullptr : f.hparams.data();
#if defined(__x86_64__)
    d.isa_variants = CGP_ISA_AVX2 | CGP_ISA_FMA3 | CGP_ISA_AVX512F; // the tape's and the SDK's variants
#endif
    d.simd_max_ulp = 0; // every operation is exact or the same C library call on every path
    d.state_count = kSlotFns[loaded->slot].state_count;
    d.validate = &validate;
    d.step_f32 = kSlotFns[loaded->slot].step_f32;
    d.step_f64 = kSlotFns[loaded->slot].step_f64;
    d.simd_path = &simd_path;
    d.get_extension = &no_extension;
    return {loaded, &loaded->desc};
}

std::shared_ptr<const cgp_optimizer_descriptor> load_descriptor(const std::filesystem::path& path)
{
    const std::string text =
        read_input_file(path, "optimizer file", 1ull << 20, "an optimizer file is a text file ending in .opt");
    return descriptor_from_text(path.string(), text);
}

} // namespace cgp::optfile
