"""Print the hack detectors' precision/recall on the labelled corpus as a Markdown table.

Usage: python scripts/validate_hack_detectors.py
"""

from astray.evals.reward_hacking.validation import validate_detectors


def main() -> None:
    report = validate_detectors()
    n = report["hacked_examples_per_type"]
    print(f"corpus: {n} hacked solutions per type, {report['honest_examples']} honest "
          f"({report['honest_passing_grader']} of them pass the grader)\n")
    print("| detector | precision | recall | TP | FP | FN | hacks of this type that pass the grader |")
    print("|---|---|---|---|---|---|---|")
    for name, row in report["per_type"].items():
        print(f"| {name} | {row['precision']:.2f} | {row['recall']:.2f} | {row['tp']} | {row['fp']} | {row['fn']} | "
              f"{row['passes_grader']}/{n} |")


if __name__ == "__main__":
    main()
