"""``cached_property`` as 3.12 has it, also on 3.11 (where functools' takes a lock on every first read)."""

from __future__ import annotations

from sgecompile import cached


class Counted:
    def __init__(self) -> None:
        self.calls = 0

    @cached.cached_property
    def value(self) -> int:
        """Worked out once."""
        self.calls += 1
        return 42


def test_a_value_is_worked_out_on_first_read_and_kept_in_the_instance() -> None:
    one, two = Counted(), Counted()
    assert (one.value, one.value, one.calls, two.calls) == (42, 42, 1, 0)
    assert one.__dict__["value"] == 42  # later reads never reach the descriptor


def test_the_class_attribute_is_the_descriptor_with_the_functions_doc() -> None:
    assert isinstance(Counted.__dict__["value"], cached.cached_property)
    assert Counted.value.__doc__ == "Worked out once."


def test_a_value_can_be_set_or_deleted_to_work_it_out_again() -> None:
    one = Counted()
    one.value = 7  # type: ignore[misc]
    assert one.value == 7
    del one.value
    assert (one.value, one.calls) == (42, 1)
