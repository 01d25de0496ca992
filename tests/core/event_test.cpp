#include <gtest/gtest.h>

#include "core/event.hpp"

using namespace vigie::core;

TEST(Event, TreeAndFields) {
    Event e;
    e.open_element("Event");
    e.open_element("System");
    e.open_element("EventID");
    e.add_text(Value::uint64(4688));
    e.close_element();
    e.close_element();
    e.close_element();
    e.add_field("EventID", Value::uint64(4688));
    EXPECT_EQ(e.open_depth(), 0u);
    const auto system = e.child(e.root(), "System");
    ASSERT_NE(system, Node::kNone);
    const auto id = e.child(system, "EventID");
    ASSERT_NE(id, Node::kNone);
    EXPECT_EQ(e.node(e.node(id).first_child).value.as_uint64(), 4688u);
    ASSERT_NE(e.field("EventID"), nullptr);
    EXPECT_EQ(e.field("EventID")->text(), "4688");
    EXPECT_EQ(e.field("eventid"), nullptr);  // names are exact
}

TEST(Event, ClearKeepsNothingVisible) {
    Event e;
    e.open_element("A");
    e.add_field("x", Value::utf8(e.store("stored text")));
    EXPECT_EQ(e.field("x")->text(), "stored text");
    e.clear();
    EXPECT_TRUE(e.empty());
    EXPECT_EQ(e.field("x"), nullptr);
}

TEST(Event, AttributesAfterChildrenAreDropped) {
    Event e;
    e.open_element("A");
    e.add_attribute("first", Value::utf8("1"));
    e.open_element("B");
    e.add_attribute("b", Value::utf8("x"));
    e.close_element();
    e.add_attribute("late", Value::utf8("2"));  // would not be contiguous with A's attributes
    e.close_element();
    ASSERT_EQ(e.attributes(e.node(0)).size(), 1u);
    EXPECT_EQ(e.attributes(e.node(0))[0].name, "first");
    EXPECT_EQ(e.attributes(e.node(1))[0].name, "b");
}
