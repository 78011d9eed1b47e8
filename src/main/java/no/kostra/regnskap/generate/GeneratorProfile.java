package no.kostra.regnskap.generate;

import java.util.List;
import java.util.Map;

/** data-schemas/synthetic/regnskap-profile.yaml: magnitudes and mixes of synthetic accounts. */
public record GeneratorProfile(
    double alwaysInclude,
    double omitProbability,
    double depreciationShare,
    double investmentPerCapita,
    double transferToInvestmentShare,
    double taxShare,
    Map<String, Mix> mixes,
    List<Function> kommuneFunctions,
    List<Function> fylkeFunctions,
    List<String> investmentFunctionsKommune,
    List<String> investmentFunctionsFylke,
    Map<String, Double> investmentMix,
    List<Enterprise> enterprises) {

  public static final String FILE = "synthetic/regnskap-profile.yaml";

  /** Expense weights per art (sum ~1) and income per art as a share of gross expenditure. */
  public record Mix(Map<String, Double> expense, Map<String, Double> income) {}

  public record Function(String code, double perCapita, String mix, Map<String, Double> income,
      Integer validFrom, Integer validTo) {
    public Map<String, Double> income() {
      return income == null ? Map.of() : income;
    }

    public boolean validIn(int year) {
      return (validFrom == null || year >= validFrom) && (validTo == null || year <= validTo);
    }
  }

  public record Enterprise(String function, double share, double perCapita, String feeArt) {}
}
