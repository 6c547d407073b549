"""Serializers, one module per resource; request bodies are validated here and nowhere else."""
