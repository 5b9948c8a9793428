"""What several eval families share: recorded (resumable, seeded) generation, the hidden-reasoning split,
reading a chosen letter, and the grader of families decided by a program."""
