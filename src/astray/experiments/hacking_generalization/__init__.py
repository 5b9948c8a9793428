"""MacDiarmid et al. 2025: does learning to reward hack make a model misaligned off-task?"""
