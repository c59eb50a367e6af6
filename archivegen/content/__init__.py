"""content/**/*.md -> Article records. Knows nothing of rendering or the output."""
