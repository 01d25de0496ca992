// ransim/hospital_text.hpp - the words of the fake hospital: patients, staff, services,
// exams, and sentences of medical reports, letters and procedures (French, without accents
// so that every format can carry them as plain ASCII). Nothing here is real data.
#pragma once

#include <string>
#include <string_view>

#include "ransim/random.hpp"

namespace vigie::ransim {

struct Person {
    std::string_view last;
    std::string_view first;
};

Person random_person(Random& random);
std::string_view random_service(Random& random);
std::string_view random_exam(Random& random);
std::string_view random_topic(Random& random);
std::string_view random_drug(Random& random);

struct Date {
    int year = 2019;
    int month = 1;
    int day = 1;
    std::string french() const;   ///< 15/11/2019
    std::string compact() const;  ///< 20191115
    std::string iso() const;      ///< 2019-11-15
};
Date random_date(Random& random, int year);

/// An identifier as the hospital's information system prints it (IPP, stay number).
std::string patient_number(Random& random);

/// Appends one sentence of a medical report or an administrative text.
void append_sentence(Random& random, std::string& out);
/// Appends `sentences` sentences separated by spaces.
void append_paragraph(Random& random, std::string& out, int sentences);

}  // namespace vigie::ransim
