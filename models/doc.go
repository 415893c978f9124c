// Package models is where segmint's learning code lives, each part in a
// sub-package named for what it holds, in pure Go (logreg and clv fit with
// gonum's optimize; clv's gradients use gonum's digamma):
//
//	models/frame     column tables read from any CSV or Parquet file
//	models/gbdt      histogram gradient boosting (binary and squared error)
//	models/logreg    L2-regularised logistic regression fitted with L-BFGS
//	models/kmeans    k-means++ with restarts, k chosen by silhouette, profiles
//	models/clv       BG/NBD and Gamma-Gamma lifetime value
//	models/eval      ROC and PR AUC, log loss, Brier, calibration, lift, PSI, MAE
//	models/registry  versioned model files, champion pointer, promotion check
//	models/learn     a model on any table: segmint train and segmint predict
//
// Every model is seeded and deterministic: the same data and seed give the
// same model file, byte for byte.
package models
