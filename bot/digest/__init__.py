"""The weekly digest for leads and managers: built as data (`build`), rendered to
Chinese or English HTML (`render`) and to a chart (`chart`), sent on schedule (`send`)."""
