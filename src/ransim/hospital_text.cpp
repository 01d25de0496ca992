#include "ransim/hospital_text.hpp"

#include <fmt/format.h>

#include <array>

namespace vigie::ransim {
namespace {

constexpr std::array<std::string_view, 40> kLastNames = {
    "MARTIN",   "BERNARD", "DUBOIS",  "THOMAS",   "ROBERT",   "RICHARD",  "PETIT",    "DURAND",
    "LEROY",    "MOREAU",  "SIMON",   "LAURENT",  "LEFEBVRE", "MICHEL",   "GARCIA",   "DAVID",
    "BERTRAND", "ROUX",    "VINCENT", "FOURNIER", "MOREL",    "GIRARD",   "ANDRE",    "LEFEVRE",
    "MERCIER",  "DUPONT",  "LAMBERT", "BONNET",   "FRANCOIS", "MARTINEZ", "LEGRAND",  "GARNIER",
    "FAURE",    "ROUSSEL", "BLANC",   "GUERIN",   "MULLER",   "HENRY",    "ROUSSEAU", "NICOLAS"};

constexpr std::array<std::string_view, 32> kFirstNames = {
    "Marie",   "Jean",       "Pierre",    "Michel",    "Nathalie", "Isabelle", "Philippe",
    "Sylvie",  "Catherine",  "Alain",     "Christine", "Patrick",  "Monique",  "Nicolas",
    "Sophie",  "Christophe", "Francoise", "Daniel",    "Sandrine", "Stephane", "Valerie",
    "Eric",    "Julie",      "Laurent",   "Camille",   "Thierry",  "Celine",   "Olivier",
    "Aurelie", "Bernard",    "Lea",       "Hugo"};

constexpr std::array<std::string_view, 18> kServices = {
    "Cardiologie", "Pneumologie", "Urgences",    "Pediatrie",    "Maternite", "Neurologie",
    "Oncologie",   "Radiologie",  "Reanimation", "Chirurgie",    "Geriatrie", "Nephrologie",
    "Orthopedie",  "Gastro",      "Psychiatrie", "Dermatologie", "Bloc",      "Laboratoire"};

constexpr std::array<std::string_view, 16> kExams = {"scanner_thoracique",
                                                     "IRM_cerebrale",
                                                     "echographie",
                                                     "radio_thorax",
                                                     "ECG",
                                                     "bilan_sanguin",
                                                     "coloscopie",
                                                     "fibroscopie",
                                                     "mammographie",
                                                     "scintigraphie",
                                                     "EEG",
                                                     "holter",
                                                     "doppler",
                                                     "biopsie",
                                                     "spirometrie",
                                                     "echocardiographie"};

constexpr std::array<std::string_view, 14> kTopics = {
    "hygiene_des_mains", "circuit_du_medicament", "identitovigilance",
    "chute_patient",     "transfusion",           "douleur",
    "escarres",          "isolement_contact",     "plan_blanc",
    "sortie_patient",    "dossier_patient",       "sterilisation",
    "antibiotherapie",   "continuite_activite"};

constexpr std::array<std::string_view, 16> kDrugs = {
    "paracetamol 1 g",   "amoxicilline 1 g",    "enoxaparine 4000 UI", "furosemide 40 mg",
    "bisoprolol 2,5 mg", "metformine 850 mg",   "omeprazole 20 mg",    "tramadol 50 mg",
    "ramipril 5 mg",     "atorvastatine 20 mg", "levothyroxine 75 ug", "insuline glargine",
    "amlodipine 5 mg",   "morphine 10 mg",      "ceftriaxone 1 g",     "prednisolone 20 mg"};

constexpr std::array<std::string_view, 24> kOpenings = {
    "Le patient est admis pour",
    "La patiente consulte ce jour pour",
    "Nous avons recu en consultation",
    "Au total, on retient",
    "L'examen clinique retrouve",
    "Le bilan biologique montre",
    "Devant ce tableau, il est decide de",
    "La surveillance infirmiere note",
    "Il convient de poursuivre",
    "Le compte rendu operatoire mentionne",
    "L'interrogatoire retrouve",
    "Sur le plan therapeutique, on propose",
    "Les suites ont ete marquees par",
    "Le dossier a ete presente en reunion pour",
    "La procedure prevoit",
    "Le cadre de sante rappelle",
    "La commission a valide",
    "Il est demande aux equipes de verifier",
    "Le prochain rendez-vous est fixe pour",
    "Nous restons a votre disposition concernant",
    "Le medecin traitant sera informe de",
    "L'imagerie met en evidence",
    "La famille a ete informee de",
    "Une reevaluation est prevue pour"};

constexpr std::array<std::string_view, 40> kMiddles = {"une dyspnee d'effort",
                                                       "une douleur thoracique atypique",
                                                       "une fievre persistante",
                                                       "un syndrome inflammatoire",
                                                       "une insuffisance cardiaque",
                                                       "une chute a domicile",
                                                       "une anemie moderee",
                                                       "un bilan pre-operatoire",
                                                       "une pneumopathie basale",
                                                       "une hypertension arterielle",
                                                       "un diabete de type 2 desequilibre",
                                                       "une fracture du col",
                                                       "une infection urinaire",
                                                       "une deshydratation",
                                                       "des troubles cognitifs",
                                                       "une surveillance glycemique",
                                                       "la tracabilite des soins",
                                                       "le circuit du medicament",
                                                       "la verification d'identite",
                                                       "la continuite des soins",
                                                       "une sortie a domicile",
                                                       "un transfert en SSR",
                                                       "une antibiotherapie adaptee",
                                                       "un controle biologique",
                                                       "la reprise de l'anticoagulation",
                                                       "une kinesitherapie respiratoire",
                                                       "un avis specialise",
                                                       "une hospitalisation de jour",
                                                       "un suivi nutritionnel",
                                                       "la prise en charge de la douleur",
                                                       "les resultats anatomopathologiques",
                                                       "une echographie de controle",
                                                       "un scanner de reevaluation",
                                                       "le protocole de service",
                                                       "les consignes d'hygiene",
                                                       "la planification des gardes",
                                                       "le plan de formation",
                                                       "la declaration d'evenement indesirable",
                                                       "le stock de pharmacie",
                                                       "la facturation du sejour"};

constexpr std::array<std::string_view, 20> kEndings = {"sans complication.",
                                                       "avec une evolution favorable.",
                                                       "a reevaluer dans un mois.",
                                                       "selon le protocole en vigueur.",
                                                       "en lien avec le medecin traitant.",
                                                       "apres avis collegial.",
                                                       "dans les meilleurs delais.",
                                                       "sous surveillance rapprochee.",
                                                       "conformement aux recommandations.",
                                                       "en attendant les resultats.",
                                                       "avec l'accord du patient.",
                                                       "des la semaine prochaine.",
                                                       "sans modification du traitement.",
                                                       "avec une bonne tolerance.",
                                                       "en hospitalisation complete.",
                                                       "en ambulatoire.",
                                                       "par l'equipe de nuit.",
                                                       "avant la sortie.",
                                                       "jusqu'a nouvel ordre.",
                                                       "pour la periode concernee."};

}  // namespace

Person random_person(Random& random) {
    return {random.pick(std::span(kLastNames)), random.pick(std::span(kFirstNames))};
}

std::string_view random_service(Random& random) {
    return random.pick(std::span(kServices));
}

std::string_view random_exam(Random& random) {
    return random.pick(std::span(kExams));
}

std::string_view random_topic(Random& random) {
    return random.pick(std::span(kTopics));
}

std::string_view random_drug(Random& random) {
    return random.pick(std::span(kDrugs));
}

std::string Date::french() const {
    return fmt::format("{:02}/{:02}/{}", day, month, year);
}

std::string Date::compact() const {
    return fmt::format("{}{:02}{:02}", year, month, day);
}

std::string Date::iso() const {
    return fmt::format("{}-{:02}-{:02}", year, month, day);
}

Date random_date(Random& random, int year) {
    return {year, static_cast<int>(random.between(1, 12)), static_cast<int>(random.between(1, 28))};
}

std::string patient_number(Random& random) {
    return fmt::format("{}", random.between(100000000, 999999999));
}

void append_sentence(Random& random, std::string& out) {
    out += random.pick(std::span(kOpenings));
    out += ' ';
    out += random.pick(std::span(kMiddles));
    if (random.chance(0.3)) {
        out += " et ";
        out += random.pick(std::span(kMiddles));
    }
    if (random.chance(0.2)) {
        out += " (";
        out += random.pick(std::span(kDrugs));
        out += ')';
    }
    out += ' ';
    out += random.pick(std::span(kEndings));
}

void append_paragraph(Random& random, std::string& out, int sentences) {
    for (int i = 0; i < sentences; ++i) {
        if (i > 0) out += ' ';
        append_sentence(random, out);
    }
}

}  // namespace vigie::ransim
