// peer_libtorch: the workloads of cgp-bench written in libtorch (C++), timed the way cgp-bench
// times its cases (warm-up, calibrated repetitions, median of samples), on one thread unless
// --threads says more. Prints one JSON document on stdout; progress on stderr. Run by
// bench/compare_peers.py.
//
//   peer_libtorch [--samples N] [--filter TEXT] [--threads N]
//
// Case names are shared with bench/peer_pytorch.py and the comparison script:
//   optimizer adam|sgdplus N            one optimizer step on N float parameters
//   graph MODEL batch B                 forward + backward of one batch (MSE loss, mean over batch)
//   training MODEL batch B adam         zero_grad, forward, loss, backward, Adam step
#include "harness.hpp"

#include <torch/torch.h>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Options {
    int samples = 9;
    double sample_seconds = 0.02;
    std::string filter;
    int threads = 1; // at::set_num_threads: cgp-bench's threads section compares 2
};

// The median seconds per call of `work`, measured by cgp-bench's own harness (warm-up, calibrated
// repetitions, median of samples), so both sides are timed by the same code.
double median_seconds(const std::function<void()>& work, const Options& opt)
{
    return cgp::bench::measure(work, cgp::bench::HarnessOptions{opt.sample_seconds, opt.samples}).median;
}

// A fully connected network with a sigmoid after every layer, as cgp's layered models.
torch::nn::Sequential make_network(const std::vector<int64_t>& widths)
{
    torch::nn::Sequential net;
    for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
        net->push_back(torch::nn::Linear(widths[l], widths[l + 1]));
        net->push_back(torch::nn::Sigmoid());
    }
    return net;
}

struct NetworkCase {
    std::string name; // as in cgp-bench: "multi-neuron" (4-2-1) or "64-256-256-1"
    std::vector<int64_t> widths;
};

// Inputs uniform in [0, 1), targets 0 or 1, as cgp-bench's generated data.
struct Batches {
    std::vector<torch::Tensor> inputs, targets;
    Batches(int64_t count, int64_t batch, int64_t in, int64_t out)
    {
        for (int64_t k = 0; k < count; ++k) {
            inputs.push_back(torch::rand({batch, in}));
            targets.push_back(torch::randint(0, 2, {batch, out}).to(torch::kFloat32));
        }
    }
};

// The library whose sgemm_ libtorch's libblas.so.3 resolves to (Debian chooses it by
// update-alternatives or LD_LIBRARY_PATH), with OpenBLAS's build and kernel names where it is OpenBLAS.
std::string blas_library()
{
    void* blas = dlopen("libblas.so.3", RTLD_LAZY | RTLD_NOLOAD);
    if (blas == nullptr)
        return "unknown (libblas.so.3 not loaded)";
    std::string out = "unknown";
    Dl_info info{};
    if (void* sgemm = dlsym(blas, "sgemm_"); sgemm != nullptr && dladdr(sgemm, &info) != 0 && info.dli_fname != nullptr)
        out = std::filesystem::weakly_canonical(info.dli_fname).string();
    using Text = char* (*)();
    const auto config = reinterpret_cast<Text>(dlsym(blas, "openblas_get_config"));
    const auto core = reinterpret_cast<Text>(dlsym(blas, "openblas_get_corename"));
    if (config != nullptr && core != nullptr)
        out += std::string(" (") + config() + "; kernels " + core() + ")";
    dlclose(blas);
    return out;
}

std::string json_string(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

struct Result {
    std::string name;
    double seconds;
    std::string variant;
};

} // namespace

int main(int argc, char** argv)
{
    Options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--samples" && i + 1 < argc)
            opt.samples = std::max(1, std::stoi(argv[++i]));
        else if (arg == "--filter" && i + 1 < argc)
            opt.filter = argv[++i];
        else if (arg == "--threads" && i + 1 < argc)
            opt.threads = std::max(1, std::stoi(argv[++i]));
        else {
            std::cerr << "usage: peer_libtorch [--samples N] [--filter TEXT] [--threads N]\n";
            return 2;
        }
    }
    at::set_num_threads(opt.threads);
    at::set_num_interop_threads(1);
    torch::manual_seed(1);
    auto wanted = [&](const std::string& name) {
        return opt.filter.empty() || name.find(opt.filter) != std::string::npos;
    };
    std::vector<Result> results;
    auto record = [&](const std::string& name, double seconds, const std::string& variant = "") {
        std::cerr << "libtorch: " << name << ": " << seconds * 1e6 << " us\n";
        results.push_back({name, seconds, variant});
    };

    // (1) Optimizer steps on one tensor of N float parameters with a fixed gradient.
    for (const char* id : {"adam", "sgdplus"}) {
        for (int64_t n : {int64_t{1000}, int64_t{100000}, int64_t{10000000}}) {
            const std::string name = std::string("optimizer ") + id + " " + std::to_string(n);
            if (!wanted(name))
                continue;
            torch::Tensor p = torch::empty({n}).uniform_(-1, 1).requires_grad_();
            p.mutable_grad() = torch::empty({n}).uniform_(-1e-3, 1e-3);
            std::unique_ptr<torch::optim::Optimizer> o;
            if (std::string(id) == "adam")
                o = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{p},
                                                         torch::optim::AdamOptions(1e-3));
            else
                o = std::make_unique<torch::optim::SGD>(std::vector<torch::Tensor>{p},
                                                        torch::optim::SGDOptions(0.01).momentum(0.9));
            record(name, median_seconds([&] { o->step(); }, opt));
        }
    }

    const std::vector<NetworkCase> networks = {
        {"multi-neuron", {4, 2, 1}}, {"64-256-256-1", {64, 256, 256, 1}}, {"1024-1024-1024-1", {1024, 1024, 1024, 1}}};

    // (2) Forward + backward of one batch; gradients accumulate into existing .grad tensors.
    for (const auto& [net_name, batch] :
         std::vector<std::pair<std::string, int64_t>>{{"multi-neuron", 8}, {"64-256-256-1", 256}}) {
        const std::string name = "graph " + net_name + " batch " + std::to_string(batch);
        if (!wanted(name))
            continue;
        const auto& widths = std::find_if(networks.begin(), networks.end(), [&](const NetworkCase& c) {
                                 return c.name == net_name;
                             })->widths;
        auto net = make_network(widths);
        Batches data(1, batch, widths.front(), widths.back());
        record(name, median_seconds(
                         [&] {
                             torch::Tensor loss = torch::mse_loss(net->forward(data.inputs[0]), data.targets[0]);
                             loss.backward();
                         },
                         opt));
    }

    // (3) Whole training iterations with Adam over a pool of pre-made batches.
    for (const auto& [net_name, batch] : std::vector<std::pair<std::string, int64_t>>{{"multi-neuron", 8},
                                                                                      {"multi-neuron", 32},
                                                                                      {"64-256-256-1", 8},
                                                                                      {"64-256-256-1", 64},
                                                                                      {"64-256-256-1", 256},
                                                                                      {"64-256-256-1", 1024},
                                                                                      {"64-256-256-1", 4096},
                                                                                      {"1024-1024-1024-1", 8},
                                                                                      {"1024-1024-1024-1", 256}}) {
        const std::string name = "training " + net_name + " batch " + std::to_string(batch) + " adam";
        if (!wanted(name))
            continue;
        const auto& widths = std::find_if(networks.begin(), networks.end(), [&](const NetworkCase& c) {
                                 return c.name == net_name;
                             })->widths;
        auto net = make_network(widths);
        torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
        Batches data(64, batch, widths.front(), widths.back());
        std::size_t next = 0;
        record(name, median_seconds(
                         [&] {
                             const std::size_t k = next++ % data.inputs.size();
                             adam.zero_grad();
                             torch::Tensor loss = torch::mse_loss(net->forward(data.inputs[k]), data.targets[k]);
                             loss.backward();
                             adam.step();
                         },
                         opt));
    }

    std::ostringstream out;
    out.precision(9);
    out << "{\n  \"peer\": " << json_string(std::string("libtorch ") + TORCH_VERSION) << ",\n"
        << "  \"threads\": " << at::get_num_threads() << ",\n"
        << "  \"blas\": " << json_string(blas_library()) << ",\n  \"results\": [";
    for (std::size_t i = 0; i < results.size(); ++i)
        out << (i ? "," : "") << "\n    {\"name\": " << json_string(results[i].name)
            << ", \"seconds\": " << results[i].seconds << ", \"variant\": " << json_string(results[i].variant) << "}";
    out << "\n  ]\n}\n";
    std::cout << out.str();
    return 0;
}
