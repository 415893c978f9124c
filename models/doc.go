// Package models is where segmint's learning code lives: gradient-boosted
// trees, logistic regression, k-means, BG/NBD and Gamma-Gamma, evaluation
// metrics and the model registry, each in a sub-package named for what it
// holds (models/gbdt, models/logreg, ...), written on gonum.
//
// None is built yet: the nightly train step reports that no model is
// configured, and scores are RFM scores (lib/rfm) until models arrive.
package models
