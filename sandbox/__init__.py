"""What runs inside the box (shipped in the wheel as ioi_agent._box)."""
