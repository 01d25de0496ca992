#include "ransim/corpus.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "ransim/cipher.hpp"
#include "ransim/manifest.hpp"
#include "ransim/safety.hpp"

namespace vigie::ransim {
namespace {

struct Patient {
    Person person;
    std::string id;
    int year = 2019;
    std::string folder;
};

struct Study {
    std::string modality;
    std::string uid;
    std::string folder;
    std::size_t patient = 0;
    Date date;
    unsigned rows = 0;
    unsigned columns = 0;
    unsigned next_instance = 1;
};

// Share of each kind in the corpus, in FileKind order (percent).
constexpr std::array<unsigned, kFileKinds> kKindWeights = {18, 10, 18, 8, 8, 11, 6, 13, 4, 4};

FileKind pick_kind(Random& random) {
    unsigned roll = static_cast<unsigned>(random.below(100));
    for (int k = 0; k < kFileKinds; ++k) {
        if (roll < kKindWeights[static_cast<std::size_t>(k)]) return static_cast<FileKind>(k);
        roll -= kKindWeights[static_cast<std::size_t>(k)];
    }
    return FileKind::kTxt;
}

int random_year(Random& random) {
    return static_cast<int>(random.between(2016, 2019));
}

std::string two_digits(int v) {
    return fmt::format("{:02}", v);
}

Study make_study(Random& random, const std::vector<Patient>& patients, std::string_view modality,
                 std::uint64_t seed, std::size_t number) {
    Study study;
    study.modality = std::string(modality);
    study.patient = random.below(patients.size());
    study.date = random_date(random, patients[study.patient].year);
    // A UID root of our own: never one of a real manufacturer.
    study.uid = fmt::format("1.2.826.0.1.3680043.9.7156.{}.{}", seed % 1000000, number + 1);
    if (modality == "CT") {
        study.rows = study.columns = 512;
    } else if (modality == "MR") {
        study.rows = study.columns = random.chance(0.6) ? 256 : 512;
    } else {
        study.rows = study.columns = random.chance(0.75) ? 1024 : 2048;
    }
    const Patient& patient = patients[study.patient];
    study.folder = fmt::format("Imagerie/{}/{}/{}_{}_{}", modality, study.date.year,
                               study.date.compact(), patient.person.last, number + 1);
    return study;
}

std::string unique_path(std::set<std::string>& used, const std::string& path) {
    if (used.insert(path).second) return path;
    const std::size_t slash = path.rfind('/');
    std::size_t dot = path.find('.', slash == std::string::npos ? 0 : slash + 1);
    if (dot == std::string::npos) dot = path.size();
    for (int k = 2;; ++k) {
        std::string candidate = fmt::format("{}_{}{}", path.substr(0, dot), k, path.substr(dot));
        if (used.insert(candidate).second) return candidate;
    }
}

// Seconds since 1970 of a civil date at 10:00 UTC (days_from_civil, H. Hinnant).
std::int64_t epoch_of(const Date& date) {
    const int y = date.year - (date.month <= 2 ? 1 : 0);
    const int era = y / 400;
    const int yoe = y - era * 400;
    const int mp = (date.month + 9) % 12;
    const int doy = (153 * mp + 2) / 5 + date.day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
    return days * 86400 + 10 * 3600;
}

core::Result<void> prepare_directory(const std::string& dir) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) {
        if (errno != ENOENT) return system_error(dir, "cannot stat", errno);
        if (::mkdir(dir.c_str(), 0755) != 0) return system_error(dir, "cannot make", errno);
        return {};
    }
    const auto refuse = [&](std::string why) {
        return core::fail(core::ErrorCode::kInvalidArgument, std::move(why),
                          core::Location::in_file(dir));
    };
    if (S_ISLNK(st.st_mode)) return refuse("is a symbolic link: refusing");
    if (!S_ISDIR(st.st_mode)) return refuse("exists and is not a directory");
    DIR* listing = ::opendir(dir.c_str());
    if (listing == nullptr) return system_error(dir, "cannot list", errno);
    bool empty = true;
    while (const dirent* entry = ::readdir(listing)) {
        const std::string_view name = entry->d_name;
        if (name != "." && name != "..") empty = false;
    }
    ::closedir(listing);
    if (!empty) {
        return refuse("is not empty: generate writes only into a new or empty directory");
    }
    return {};
}

core::Result<ManifestEntry> write_planned(const CorpusRoot& root, const PlannedFile& file) {
    const Bytes bytes = build_file(file);
    if (auto parent = root.open_parent(file.path, true); !parent) return std::move(parent).error();
    auto fd = root.open_file(file.path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (!fd) return std::move(fd).error();
    const std::string path = root.path() + "/" + file.path;
    if (auto r = write_at(fd->get(), bytes, 0, path); !r) return std::move(r).error();
    const std::int64_t when = epoch_of(file.context.date);
    const struct timespec times[2] = {{when, 0}, {when, 0}};
    ::futimens(fd->get(), times);
    return describe(file.path, bytes);
}

}  // namespace

std::string_view kind_extension(FileKind kind) {
    constexpr std::array<std::string_view, kFileKinds> kExtensions = {
        "docx", "xlsx", "pdf", "csv", "txt", "jpg", "png", "dcm", "zip", "tar.gz"};
    return kExtensions[static_cast<std::size_t>(kind)];
}

std::vector<PlannedFile> plan_corpus(const GenerateOptions& options) {
    Random random(options.seed);
    std::vector<Patient> patients(std::max<std::uint64_t>(4, options.files / 15));
    for (Patient& patient : patients) {
        patient.person = random_person(random);
        patient.id = patient_number(random);
        patient.year = random_year(random);
        patient.folder = fmt::format("Patients/{}/{}_{}_{}", patient.year, patient.person.last,
                                     patient.person.first, patient.id);
    }
    std::vector<Study> studies;
    std::set<std::string> used;
    std::vector<PlannedFile> plan;
    plan.reserve(options.files);

    for (std::uint64_t i = 0; i < options.files; ++i) {
        PlannedFile file;
        file.kind = pick_kind(random);
        file.seed = random.next();
        const Patient& patient = patients[random.below(patients.size())];
        DocumentContext& context = file.context;
        context.patient = patient.person;
        context.patient_id = patient.id;
        context.date = random_date(random, patient.year);
        context.service = random_service(random);
        const Date& date = context.date;
        const std::string when = date.compact();
        std::string path;
        const double where = random.unit();
        switch (file.kind) {
            case FileKind::kDocx: {
                const std::string_view exam = random_exam(random);
                context.title = fmt::format("Compte rendu de {}", exam);
                if (where < 0.6) {
                    path = fmt::format("{}/CR_{}_{}.docx", patient.folder, exam, when);
                } else if (where < 0.75) {
                    const Person agent = random_person(random);
                    context.title = "Contrat de travail";
                    path = fmt::format("RH/Contrats/{}/contrat_{}_{}.docx", date.year, agent.last,
                                       agent.first);
                } else if (where < 0.9) {
                    const std::string_view topic = random_topic(random);
                    context.title = fmt::format("Protocole {}", topic);
                    path = fmt::format("Qualite/Protocoles/protocole_{}_v{}.docx", topic,
                                       random.between(1, 6));
                } else {
                    context.title = "Compte rendu de reunion";
                    path = fmt::format("Direction/Reunions/{}/CR_reunion_{}_{}.docx", date.year,
                                       context.service, when);
                }
                file.size = random.skewed_size(60'000, 0.9, 10'000, 2'500'000);
                break;
            }
            case FileKind::kXlsx:
                context.title = "Tableau de suivi";
                if (where < 0.4) {
                    path = fmt::format("Compta/{}/factures_{}_{}.xlsx", date.year, context.service,
                                       two_digits(date.month));
                } else if (where < 0.7) {
                    path = fmt::format("RH/Plannings/{}/planning_{}_{}.xlsx", date.year,
                                       context.service, two_digits(date.month));
                } else {
                    path = fmt::format("Pharmacie/Stocks/stocks_{}_{}.xlsx", context.service, when);
                }
                file.size = random.skewed_size(50'000, 1.0, 8'000, 1'500'000);
                break;
            case FileKind::kPdf: {
                const std::string_view exam = random_exam(random);
                context.title = fmt::format("Compte rendu {}", exam);
                if (where < 0.4) {
                    path = fmt::format("{}/compte-rendu_{}_{}.pdf", patient.folder, exam, when);
                } else if (where < 0.55) {
                    context.title = "Ordonnance";
                    path = fmt::format("{}/ordonnance_{}.pdf", patient.folder, when);
                } else if (where < 0.75) {
                    context.title = "Facture";
                    path = fmt::format("Compta/{}/Factures/facture_{}.pdf", date.year,
                                       random.between(10000, 99999));
                } else if (where < 0.9) {
                    const Person agent = random_person(random);
                    context.title = "Bulletin de paie";
                    path = fmt::format("RH/Paie/{}/bulletin_{}_{}_{}.pdf", date.year, agent.last,
                                       agent.first, two_digits(date.month));
                } else {
                    const std::string_view topic = random_topic(random);
                    context.title = fmt::format("Procedure {}", topic);
                    path = fmt::format("Qualite/Procedures/procedure_{}.pdf", topic);
                }
                file.size = random.skewed_size(120'000, 1.0, 12'000, 4'000'000);
                break;
            }
            case FileKind::kCsv:
                context.title = "Export";
                if (where < 0.4) {
                    path = fmt::format("Laboratoire/{}/resultats_{}.csv", date.year, when);
                } else if (where < 0.7) {
                    path = fmt::format("Compta/Exports/export_{}.csv", when);
                } else {
                    path = fmt::format("Pharmacie/Mouvements/mouvements_{}.csv", when);
                }
                file.size = random.skewed_size(30'000, 1.2, 4'096, 1'500'000);
                break;
            case FileKind::kTxt:
                context.title = fmt::format("Note de service {}", random_topic(random));
                if (where < 0.5) {
                    path = fmt::format("Laboratoire/Automates/automate_{}_{}.txt",
                                       random.between(1, 6), when);
                } else if (where < 0.8) {
                    path = fmt::format("Informatique/Journaux/sauvegarde_{}.txt", when);
                } else {
                    path = fmt::format("Direction/Notes/note_{}.txt", random_topic(random));
                }
                file.size = random.skewed_size(12'000, 0.9, 4'096, 256'000);
                break;
            case FileKind::kJpeg:
                if (where < 0.5) {
                    path = fmt::format("Imagerie/Photos/{}/{}/photo_{}_{}.jpg", date.year,
                                       context.service, patient.id, random.between(1, 40));
                } else if (where < 0.8) {
                    path = fmt::format("{}/photo_plaie_{}.jpg", patient.folder, when);
                } else {
                    path = fmt::format("Communication/Evenements/{}/IMG_{:04}.jpg", date.year,
                                       random.between(1, 9999));
                }
                file.size = random.skewed_size(300'000, 0.8, 40'000, 4'000'000);
                break;
            case FileKind::kPng:
                if (where < 0.5) {
                    path = fmt::format("Qualite/Schemas/schema_{}.png", random_topic(random));
                } else {
                    path = fmt::format("Informatique/Captures/capture_{}_{}.png", when,
                                       random.between(1, 99));
                }
                file.size = random.skewed_size(120'000, 0.8, 16'000, 1'500'000);
                break;
            case FileKind::kDicom: {
                // Mostly CT and MR series; a few large radiographs.
                const double m = random.unit();
                const std::string_view modality = m < 0.6 ? "CT" : m < 0.92 ? "MR" : "CR";
                std::vector<std::size_t> candidates;
                for (std::size_t s = 0; s < studies.size(); ++s) {
                    if (studies[s].modality == modality) candidates.push_back(s);
                }
                const std::size_t per_study = modality == "CR" ? 3 : 12;
                if (candidates.empty() || candidates.size() * per_study < i / 8 + 1 ||
                    random.chance(0.15)) {
                    studies.push_back(
                        make_study(random, patients, modality, options.seed, studies.size()));
                    candidates.push_back(studies.size() - 1);
                }
                Study& study = studies[candidates[random.below(candidates.size())]];
                const Patient& owner = patients[study.patient];
                context.patient = owner.person;
                context.patient_id = owner.id;
                context.date = study.date;
                file.modality = study.modality;
                file.study_uid = study.uid;
                file.rows = study.rows;
                file.columns = study.columns;
                file.instance = study.next_instance++;
                file.size = 2ULL * file.rows * file.columns;
                path = fmt::format("{}/IMG_{:04}.dcm", study.folder, file.instance);
                break;
            }
            case FileKind::kZip:
                path = where < 0.6 ? fmt::format("Archives/{}/archive_{}_{}.zip", date.year,
                                                 context.service, two_digits(date.month))
                                   : fmt::format("Compta/Archives/compta_{}_{}.zip", date.year,
                                                 two_digits(date.month));
                file.size = random.skewed_size(400'000, 1.0, 32'000, 8'000'000);
                break;
            case FileKind::kTarGz:
                path = where < 0.6 ? fmt::format("Informatique/Sauvegardes/export_{}_{}.tar.gz",
                                                 context.service, when)
                                   : fmt::format("Archives/{}/journaux_{}.tar.gz", date.year, when);
                file.size = random.skewed_size(200'000, 1.0, 16'000, 6'000'000);
                break;
        }
        file.path = unique_path(used, path);
        plan.push_back(std::move(file));
    }
    return plan;
}

Bytes build_file(const PlannedFile& file) {
    Random random(file.seed);
    switch (file.kind) {
        case FileKind::kDocx:
            return make_docx(random, file.context, file.size);
        case FileKind::kXlsx:
            return make_xlsx(random, file.context, file.size);
        case FileKind::kPdf:
            return make_pdf(random, file.context, file.size);
        case FileKind::kCsv:
            return make_csv(random, file.context, file.size);
        case FileKind::kTxt:
            return make_txt(random, file.context, file.size);
        case FileKind::kJpeg:
            return make_jpeg(random, file.size).bytes;
        case FileKind::kPng:
            return make_png(random, file.size);
        case FileKind::kDicom:
            return make_dicom(random, file.context, file.modality, file.study_uid, file.instance,
                              file.rows, file.columns);
        case FileKind::kZip:
            return make_zip_archive(random, file.context, file.size);
        case FileKind::kTarGz:
            return make_tar_gz(random, file.context, file.size);
    }
    return {};
}

core::Result<GenerateReport> generate(const std::string& dir, const GenerateOptions& options) {
    if (options.files == 0 || options.files > 1'000'000) {
        return core::fail(core::ErrorCode::kInvalidArgument, "--files must be 1 to 1000000");
    }
    if (auto r = prepare_directory(dir); !r) return std::move(r).error();
    auto root = CorpusRoot::open_unmarked(dir);
    if (!root) return std::move(root).error();

    const std::vector<PlannedFile> plan = plan_corpus(options);
    Manifest manifest;
    manifest.files.resize(plan.size());
    // Files are independent (each has its own seed): build and write them on every core.
    std::atomic<std::size_t> next{0};
    std::mutex failure_lock;
    std::optional<core::Error> failure;
    const auto work = [&] {
        for (;;) {
            const std::size_t i = next.fetch_add(1);
            if (i >= plan.size()) return;
            auto entry = write_planned(*root, plan[i]);
            if (!entry) {
                const std::lock_guard lock(failure_lock);
                if (!failure) failure = std::move(entry).error();
                next = plan.size();
                return;
            }
            manifest.files[i] = std::move(*entry);
        }
    };
    const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
    if (failure) return std::move(*failure);

    std::array<std::uint8_t, 16> id{};
    if (auto r = fill_random(id); !r) return std::move(r).error();
    Marker marker;
    for (const std::uint8_t b : id) marker.corpus_id += fmt::format("{:02x}", b);
    marker.files = plan.size();
    marker.seed = options.seed;
    manifest.corpus_id = marker.corpus_id;

    auto state = root->open_state_dir(true);
    if (!state) return std::move(state).error();
    if (auto r = write_manifest(state->get(), dir + "/" + std::string(kStateDirName), manifest);
        !r) {
        return std::move(r).error();
    }
    const std::string marker_path = dir + "/" + std::string(kMarkerName);
    Fd marker_fd(::openat(root->fd(), std::string(kMarkerName).c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444));
    if (!marker_fd.valid()) return system_error(marker_path, "cannot create", errno);
    const std::string text = marker_text(marker);
    if (auto r =
            write_at(marker_fd.get(),
                     std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), 0,
                     marker_path);
        !r) {
        return std::move(r).error();
    }
    if (auto r = sync(marker_fd.get(), marker_path); !r) return std::move(r).error();
    if (auto r = sync(root->fd(), dir); !r) return std::move(r).error();

    GenerateReport report;
    report.corpus_id = marker.corpus_id;
    report.files = plan.size();
    for (std::size_t i = 0; i < plan.size(); ++i) {
        report.bytes += manifest.files[i].size;
        ++report.per_kind[static_cast<std::size_t>(plan[i].kind)];
    }
    return report;
}

}  // namespace vigie::ransim
