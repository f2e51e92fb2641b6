"""05: GridSearchCV(SVC(), {C, kernel}, cv=2) with n_jobs=1 and n_jobs=-1 on make_classification, as the notebook's search."""
import os

from _common import emit, parser, require, start, timed


def main():
    p = parser(__doc__)
    p.add_argument("--n-samples", type=int, default=13_000, help="samples at TIME_SCALE 1 (the lecture's size)")
    p.add_argument("--c-values", default="0.001,0.025,2.5,5,10", help="comma-separated values of C")
    p.add_argument("--seed", type=int, default=0)
    args = start(p)
    require("numpy", "sklearn", "joblib")
    from sklearn.datasets import make_classification
    from sklearn.model_selection import GridSearchCV
    from sklearn.svm import SVC

    n = max(600, round(args.n_samples * args.time_scale))
    X, y = make_classification(n_samples=n, n_features=4, n_informative=2, n_redundant=2, n_clusters_per_class=2,
                               flip_y=0.01, shuffle=True, random_state=args.seed)
    grid = {"C": [float(c) for c in args.c_values.split(",")], "kernel": ["rbf", "poly"]}
    cores = os.cpu_count() or 1
    # Warm-up: loky's workers start (and import scikit-learn) outside the timing, as the notebook's.
    GridSearchCV(SVC(), {"C": list(range(1, cores + 1)), "kernel": ["rbf"]}, cv=2, n_jobs=-1).fit(X[:200], y[:200])
    rows = []
    best = {}
    for label, jobs, workers in (("serial (n_jobs=1)", 1, 1), ("n_jobs=-1 (loky processes)", -1, cores)):
        seconds, search = timed(lambda: GridSearchCV(SVC(), grid, cv=2, n_jobs=jobs).fit(X, y))
        rows.append({"label": label, "seconds": seconds, "workers": workers})
        best = {"best_params": search.best_params_, "best_score": search.best_score_}
    emit("grid_search", rows, packages=("numpy", "scikit-learn", "joblib"), n_samples=n, **best)


if __name__ == "__main__":
    main()
