"""The export's URLs alone, for `run.py --lean`: a process that serves exports without loading
every other view module (and the classifier's numpy/scipy/scikit-learn with them)."""
from django.urls import include, path

urlpatterns = [path("", include("exports.urls"))]
