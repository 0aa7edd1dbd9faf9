// The memory estimate of a run, the memory available, and the check between them.
#include <cgp/io/error.hpp>
#include <cgp/training/memory_estimate.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace cgp {

namespace {

std::optional<std::uint64_t> read_number(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::string word;
    if (!(in >> word) || word == "max" || word.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoull(word);
}

// The cgroup path of this process for a controller ("" for v2's unified line "0::/path").
std::optional<std::string> cgroup_path(std::string_view controller)
{
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        const auto first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos)
            continue;
        const std::string_view list = std::string_view(line).substr(first + 1, second - first - 1);
        if (controller.empty() ? list.empty() : list == controller)
            return line.substr(second + 1);
    }
    return std::nullopt;
}

std::string gib(std::uint64_t bytes)
{
    return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / static_cast<double>(1ull << 30));
}

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b)
{
    return b != 0 && a > ~std::uint64_t{0} / b ? ~std::uint64_t{0} : a * b;
}

} // namespace

MemoryEstimate estimate_layers_memory(const std::vector<int>& layers)
{
    MemoryEstimate e;
    for (std::size_t i = 0; i + 1 < layers.size(); ++i)
        e.parameters += saturating_mul(static_cast<std::uint64_t>(std::max(layers[i], 0)) + 1,
                                       static_cast<std::uint64_t>(std::max(layers[i + 1], 0)));
    e.model_bytes = saturating_mul(e.parameters, kBytesPerDenseParameter);
    return e;
}

MemoryEstimate estimate_run_memory(const ModelSpec& model, const DataChoice& data)
{
    MemoryEstimate e;
    if (!model.layers.empty()) {
        e = estimate_layers_memory(model.layers);
    } else {
        std::uint64_t text = 0;
        for (const std::string& line : model.text.lines)
            text += line.size();
        e.parameters = std::max<std::uint64_t>(1, text / 4);
        e.bounded = true;
    }
    // A generated layered model is built as dense layers; a model of statements node by node.
    e.model_bytes = saturating_mul(e.parameters, model.generated && !model.layers.empty() && model.text.lines.empty()
                                                     ? kBytesPerDenseParameter
                                                     : kBytesPerParameter);
    if (data.source == "generated") {
        const std::uint64_t inputs = model.layers.empty() ? 4 : static_cast<std::uint64_t>(model.layers.front());
        e.data_bytes = saturating_mul(saturating_mul(data.dataset_size, inputs + 1), 8);
    } else {
        std::error_code ec;
        const auto size = std::filesystem::file_size(data.source, ec);
        e.data_bytes = ec ? 0 : saturating_mul(size, 2);
    }
    return e;
}

std::optional<std::uint64_t> available_memory()
{
    std::optional<std::uint64_t> available;
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit)
        if (key == "MemAvailable:") {
            available = kib * 1024;
            break;
        }
    const auto lower = [&](std::optional<std::uint64_t> limit, std::optional<std::uint64_t> used) {
        if (!limit)
            return;
        const std::uint64_t room = *limit > used.value_or(0) ? *limit - used.value_or(0) : 0;
        available = available ? std::min(*available, room) : room;
    };
    namespace fs = std::filesystem;
    if (const auto v2 = cgroup_path(""); v2 && fs::exists("/sys/fs/cgroup/cgroup.controllers")) {
        const fs::path dir = fs::path("/sys/fs/cgroup") / fs::path(*v2).relative_path();
        lower(read_number(dir / "memory.max"), read_number(dir / "memory.current"));
    }
    if (const auto v1 = cgroup_path("memory")) {
        const fs::path dir = fs::path("/sys/fs/cgroup/memory") / fs::path(*v1).relative_path();
        lower(read_number(dir / "memory.limit_in_bytes"), read_number(dir / "memory.usage_in_bytes"));
    }
    return available;
}

const ModelSpec& check_run_memory(const ModelSpec& model, const DataChoice& data)
{
    check_run_memory(estimate_run_memory(model, data));
    return model;
}

void check_run_memory(const MemoryEstimate& e)
{
    if (const char* off = std::getenv("CGP_NO_MEMORY_CHECK"); off != nullptr && std::string_view(off) == "1")
        return;
    check_run_memory(e, available_memory());
}

void check_run_memory(const MemoryEstimate& e, std::optional<std::uint64_t> available)
{
    if (available && e.total() > *available)
        throw Error(fmt::format(
            "this run needs about {} of memory, more than the {} available: {} for the model ({}{} parameters at "
            "about {} bytes each, to build, compile and train) and {} for the data\n"
            "hint: a smaller model (--layers) or data set (--dataset-size); CGP_NO_MEMORY_CHECK=1 runs it anyway",
            gib(e.total()), gib(*available), gib(e.model_bytes), e.bounded ? "up to " : "", e.parameters,
            e.parameters > 0 ? e.model_bytes / e.parameters : kBytesPerParameter, gib(e.data_bytes)));
}

void check_state_memory(const std::string& optimizer, std::uint64_t arrays, std::uint64_t parameters,
                        std::uint64_t width)
{
    if (saturating_mul(saturating_mul(arrays, parameters), width) < kStateBytesUnchecked)
        return;
    if (const char* off = std::getenv("CGP_NO_MEMORY_CHECK"); off != nullptr && std::string_view(off) == "1")
        return;
    check_state_memory(optimizer, arrays, parameters, width, available_memory());
}

void check_state_memory(const std::string& optimizer, std::uint64_t arrays, std::uint64_t parameters,
                        std::uint64_t width, std::optional<std::uint64_t> available)
{
    const std::uint64_t bytes = saturating_mul(saturating_mul(arrays, parameters), width);
    if (available && bytes > *available)
        throw Error(fmt::format(
            "optimizer '{}' needs {} state arrays of {} parameters in f{}: {}, more than the {} available\n"
            "hint: hyperparameters that need fewer state arrays (lbfgs: --history-size), a smaller model{}, "
            "or CGP_NO_MEMORY_CHECK=1 to run it anyway",
            optimizer, arrays, parameters, 8 * width, gib(bytes), gib(*available), width == 8 ? ", --dtype f32" : ""));
}

} // namespace cgp
