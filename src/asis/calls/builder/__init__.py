"""Building a call: criteria, weights, rules, texts, publishing."""
