// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title OPEN on Ethereum (L1).
/// @notice The L2 is canonical for OPEN: its genesis fixes the supply. This token starts at zero
/// and only the portal that deployed it changes its supply: it mints when an L2 withdrawal
/// (OPEN burned on the L2) is finalized and burns when OPEN is deposited to the L2. So
/// `totalSupply() == portal.totalWithdrawn() - portal.totalDeposited()`, and OPEN on L1 plus OPEN
/// on L2 plus OPEN in flight is the genesis supply. See docs/settlement.md.
contract OpenToken is ERC20 {
    /// The only account that can mint and burn: the Portal, fixed at construction.
    address public immutable portal;

    constructor(address portal_) ERC20("OpenLedger", "OPEN") {
        require(portal_ != address(0), "OpenToken: portal is the zero address");
        portal = portal_;
    }

    modifier onlyPortal() {
        require(msg.sender == portal, "OpenToken: only the portal mints and burns");
        _;
    }

    /// Credits OPEN released by a finalized withdrawal.
    function mint(address to, uint256 amount) external onlyPortal {
        _mint(to, amount);
    }

    /// Destroys OPEN that `from` deposits to the L2 (the portal calls it only for msg.sender).
    function burn(address from, uint256 amount) external onlyPortal {
        _burn(from, amount);
    }
}
