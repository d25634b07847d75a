// Shared fakes for the credential tests: an environment over a std::map, the
// shared fake transport scripted by route, a TransportFactory that hands it out
// and records the options it was asked for, and a scratch directory under
// ::testing::TempDir() for config, token and script files.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "../net/fake_transport.hpp"
#include "aws/aws_config.hpp"
#include "net/http.hpp"
#include "net/transport_options.hpp"

namespace awstest {

using Env = std::map<std::string, std::string>;

inline aws::EnvLookup fake_env(Env env) {
    return [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
}

using Answer = std::variant<net::HttpResponse, net::TransportFailure>;

inline Answer http(long status, std::string body = "",
                   std::map<std::string, std::string> headers = {}) {
    return net::HttpResponse{status, std::move(headers), std::move(body)};
}
inline Answer refused(std::string message = "Connection refused (fake)") {
    return net::TransportFailure{std::move(message)};
}

// The shared fake, answering by route ("METHOD scheme://host/path", query
// ignored) through its handler. A route holds a queue of answers; the last one
// repeats. Unrouted requests get a transport failure, as when nothing listens
// (no IMDS, no container endpoint). Script the routes before anything is sent:
// only the handler runs under the fake's lock.
class ScriptedTransport : public nettest::FakeTransport {
public:
    ScriptedTransport() {
        handler = [this](const net::HttpRequest& request) { return answer_for(request); };
    }

    // route: "GET http://169.254.169.254/latest/api/token"
    void on(const std::string& route, Answer answer) {
        routes_[route].push_back(std::move(answer));
    }

    static std::string route_of(const net::HttpRequest& request) {
        return request.method + " " + request.scheme + "://" + request.host + request.path;
    }

    std::vector<std::string> sent_routes() const {
        std::vector<std::string> out;
        for (const auto& request : sent) out.push_back(route_of(request));
        return out;
    }

private:
    net::HttpResponse answer_for(const net::HttpRequest& request) {
        auto it = routes_.find(route_of(request));
        if (it == routes_.end() || it->second.empty()) {
            throw net::TransportFailure{"Connection refused (no route for " + route_of(request) +
                                        ")"};
        }
        Answer answer = it->second.front();
        if (it->second.size() > 1) it->second.pop_front();
        if (auto* failure = std::get_if<net::TransportFailure>(&answer)) throw *failure;
        return std::get<net::HttpResponse>(answer);
    }

    std::map<std::string, std::deque<Answer>> routes_;
};

// Every transport the code under test asks for is the same scripted one, so
// requests are recorded in the order they were sent, whichever source sent them.
struct FakeTransports {
    std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
    std::shared_ptr<std::vector<net::TransportOptions>> options =
        std::make_shared<std::vector<net::TransportOptions>>();

    net::TransportFactory factory() const {
        return [transport = transport, options = options](
                   const net::TransportOptions& o) -> std::shared_ptr<net::HttpTransport> {
            options->push_back(o);
            return transport;
        };
    }
    void on(const std::string& route, Answer answer) const {
        transport->on(route, std::move(answer));
    }
    const std::vector<net::HttpRequest>& requests() const { return transport->sent; }
};

inline std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

inline std::optional<std::string> header(const net::HttpRequest& request,
                                         const std::string& lower_name) {
    for (const auto& [name, value] : request.headers) {
        if (lower(name) == lower_name) return value;
    }
    return std::nullopt;
}

// Decodes application/x-www-form-urlencoded text ('+' and %XX), independently
// of the code under test.
inline std::string form_decode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

inline std::map<std::string, std::string> form_fields(const std::string& body) {
    std::map<std::string, std::string> fields;
    std::size_t pos = 0;
    while (pos < body.size()) {
        auto end = body.find('&', pos);
        if (end == std::string::npos) end = body.size();
        const std::string part = body.substr(pos, end - pos);
        const auto eq = part.find('=');
        fields[form_decode(part.substr(0, eq))] =
            eq == std::string::npos ? std::string() : form_decode(part.substr(eq + 1));
        pos = end + 1;
    }
    return fields;
}

// A unique directory per test under ::testing::TempDir(), removed afterwards.
class ScratchDir {
public:
    ScratchDir() {
        static std::atomic<int> counter{0};
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = info != nullptr ? info->name() : "none";
        for (auto& c : name) {
            if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
        }
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("s3c_" + std::to_string(::getpid()) + "_" + name + "_" + std::to_string(counter++));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_ / ".aws");
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    std::string path() const { return dir_.string(); }
    std::string credentials_path() const { return (dir_ / ".aws" / "credentials").string(); }
    std::string config_path() const { return (dir_ / ".aws" / "config").string(); }

    void credentials(const std::string& text) const { write_to(credentials_path(), text); }
    void config(const std::string& text) const { write_to(config_path(), text); }

    // Writes dir/name and returns its path.
    std::string file(const std::string& name, const std::string& text) const {
        const std::string p = (dir_ / name).string();
        write_to(p, text);
        return p;
    }
    // An executable /bin/sh script.
    std::string script(const std::string& name, const std::string& body) const {
        const std::string p = file(name, "#!/bin/sh\n" + body);
        ::chmod(p.c_str(), 0755);
        return p;
    }

    // An environment with HOME here, plus extra variables.
    Env env(Env extra = {}) const {
        extra.emplace("HOME", path());
        return extra;
    }

private:
    static void write_to(const std::string& p, const std::string& text) {
        std::ofstream out(p, std::ios::binary);
        out << text;
    }
    std::filesystem::path dir_;
};

}  // namespace awstest
